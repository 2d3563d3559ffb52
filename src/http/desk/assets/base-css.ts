/** The desk's shared styles: layout, navigation, forms, tables, status badges, light and dark. */
export const BASE_CSS = `
:root{color-scheme:light dark;--fg:#1f2937;--muted:#5b6472;--bg:#f7f7f5;--card:#fff;--accent:#1d4ed8;--accent-fg:#fff;--line:#d9dce1;--error:#b91c1c;--ok:#166534;--warn:#92400e}
@media (prefers-color-scheme:dark){:root{--fg:#e5e7eb;--muted:#a3aab5;--bg:#111214;--card:#1a1b1e;--accent:#93b4ff;--accent-fg:#0b1020;--line:#3a3d44;--error:#fca5a5;--ok:#86efac;--warn:#fcd34d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
.skip{position:absolute;left:-10000px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:10}
.desk-header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;padding:.5rem 1rem;border-bottom:1px solid var(--line);background:var(--card)}
.desk-header ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
.desk-header a{text-decoration:none;color:var(--fg);padding:.4rem 0;display:inline-block}
.desk-header a[aria-current=page]{font-weight:700;border-bottom:2px solid var(--accent)}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem}
main.door{max-width:26rem;padding-top:3rem}
h1{font-size:1.6rem;line-height:1.2;margin:0 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}
.stat{font-size:1.8rem;font-weight:700}
form.stack{display:flex;flex-direction:column;gap:.75rem}
label{font-weight:600;display:block}
input[type=email],input[type=text],input[type=password],input[type=search],input[type=datetime-local],input[type=file],select,textarea{font:inherit;width:100%;padding:.5rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
textarea{min-height:16rem;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.95rem}
button,.button{font:inherit;font-weight:600;padding:.5rem 1rem;border:1px solid var(--accent);border-radius:6px;background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:transparent;color:var(--fg);border-color:var(--line)}
button.danger{background:var(--error);border-color:var(--error);color:var(--accent-fg)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
table{width:100%;border-collapse:collapse;background:var(--card)}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
.table-wrap{overflow-x:auto}
.badge{display:inline-block;padding:0 .5rem;border-radius:999px;border:1px solid var(--line);font-size:.85rem}
.error{color:var(--error)}.ok{color:var(--ok)}.warn{color:var(--warn)}
.notice{border-left:4px solid var(--accent);padding:.5rem .75rem;background:var(--card);margin:0 0 1rem}
.notice.error{border-color:var(--error)}
.sign-out{display:flex;align-items:center;gap:.5rem;margin:0}
progress{width:100%;height:1rem}
@media (max-width:40rem){main{padding:1rem .75rem}th,td{padding:.4rem}}
`;
