/** The sends' pages and the dashboard: count lists, SMTP replies and the growth meters. */
export const SENDS_CSS = `
.send-counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem 1rem;margin:1rem 0}
.send-counts dt{color:var(--muted);font-size:.9rem}.send-counts dd{margin:0;font-weight:700;font-size:1.2rem}
.smtp-reply{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem;overflow-wrap:anywhere}
.growth td{white-space:nowrap}.growth-count{display:inline-block;min-width:2.5ch}.growth meter{width:8rem;max-width:40vw;vertical-align:middle}
`;
