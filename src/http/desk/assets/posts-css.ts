/** The post editor: its previews side by side where they fit, at the widths readers have. */
export const POSTS_CSS = `
.post-list-tools{justify-content:space-between;margin-bottom:1rem}
.post-list-tools select{width:auto}
.hint{margin:0 0 .25rem;font-size:.9rem}
.post-editor textarea{min-height:24rem}
.previews{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.previews figure{margin:0;max-width:100%}
.previews figcaption{font-weight:600;margin-bottom:.25rem}
.preview-web-figure{flex:1 1 100%}
iframe.preview{display:block;max-width:100%;height:40rem;border:1px solid var(--line);border-radius:6px;background:#fff}
iframe.preview-phone{width:375px}
iframe.preview-desktop{width:700px}
iframe.preview-web{width:100%}
`;
