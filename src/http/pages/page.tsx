import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2937;--muted:#6b7280;--bg:#fafaf9;--card:#fff;--accent:#111827;--line:#e5e7eb;--error:#b91c1c}
@media (prefers-color-scheme:dark){:root{--fg:#e5e7eb;--muted:#9ca3af;--bg:#111214;--card:#1a1b1e;--accent:#f3f4f6;--line:#2d2f34;--error:#fca5a5}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.6 Georgia,'Times New Roman',serif}
main{max-width:40rem;margin:0 auto;padding:2.5rem 1.25rem}
h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 1rem}h2{font-size:1.3rem}
a{color:inherit}.muted{color:var(--muted);font-size:.95rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1.5rem}
form.stack{display:flex;flex-direction:column;gap:.6rem}
.row{display:flex;gap:.5rem;flex-wrap:wrap}.row input[type=email]{flex:1 1 14rem}
input[type=email],input[type=text]{font:inherit;padding:.6rem .75rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;font-weight:bold;padding:.6rem 1.1rem;border:0;border-radius:6px;background:var(--accent);color:var(--bg);cursor:pointer}
button.secondary{background:transparent;color:var(--fg);border:1px solid var(--line)}
.error{color:var(--error)}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`;

/**
 * The shell of every public page: small, readable on a phone, no scripts. It writes the doctype
 * itself (hono/jsx emits none), so no page can fall into quirks mode by forgetting it.
 */
export function Page(props: { title: string; lang?: string; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={props.lang ?? 'en'}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {/* Our own constant CSS: escaping it would break quoted font names. */}
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}
