/** The subscribers area: status counts in a row, the search form's grid, fact lists of label and value, inline forms; titles that are long addresses wrap at 375 px. */
export const SUBSCRIBERS_CSS = `
.status-counts{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;margin:0 0 1rem;padding:0}
.search-form{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));align-items:end}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
label.inline,form.inline{display:inline}
h1{overflow-wrap:anywhere}
.table-wrap caption{text-align:left}
fieldset.choice{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem}
`;
