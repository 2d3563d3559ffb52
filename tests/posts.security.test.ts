import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, adminApi, publishedPost } from './helpers/posts-fixtures.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
});
afterAll(async () => t.close());

/** Hostile Markdown and HTML an editor's account (or a pasted snippet) could carry. */
const CORPUS: Array<[string, string]> = [
  ['script tag', 'Hi <script>alert(1)</script> there'],
  ['script block', '<script>\ndocument.cookie\n</script>\n\nafter'],
  ['uppercase script', '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>'],
  ['event handler', '<p onclick="alert(1)" onmouseover=alert(2)>para</p>'],
  ['img onerror', '<img src="x" onerror="alert(1)">'],
  ['img onerror with a valid src', '<img src="https://cdn.example.com/a.png" onerror="alert(1)" onload=alert(2)>'],
  ['svg onload', '<svg onload=alert(1)><circle r="5"/></svg>'],
  ['svg script', '<svg><script>alert(1)</script></svg>'],
  ['iframe', '<iframe src="https://evil.example/"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['javascript: Markdown link', '[click](javascript:alert(1))'],
  ['javascript: mixed case', '[click](JaVaScRiPt:alert(1))'],
  ['javascript: with whitespace', '<a href=" java\tscript:alert(1)">click</a>'],
  ['entity-encoded javascript:', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>'],
  ['hex-entity javascript:', '<a href="&#x6A;avascript&#x3A;alert(1)">click</a>'],
  ['entity javascript: in Markdown', '[click](&#106;avascript:alert(1))'],
  ['vbscript: link', '<a href="vbscript:msgbox(1)">click</a>'],
  ['data: link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['broken tags', '<scr<script>ipt>alert(1)</scr</script>ipt> <<img src=x onerror=alert(1)//>'],
  ['unclosed attribute', '<img src="https://cdn.example.com/a.png" alt="x onerror=alert(1)'],
  ['unclosed tag', '<a href="javascript:alert(1)"'],
  ['style tag', '<style>body{background:url(javascript:alert(1))}</style>text'],
  ['style attribute', '<p style="background:url(javascript:alert(1))">x</p>'],
  ['object and embed', '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">'],
  ['form', '<form action="https://evil.example/"><input name="password"><button>Go</button></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['base tag', '<base href="https://evil.example/">'],
  ['link tag', '<link rel="stylesheet" href="https://evil.example/x.css">'],
  ['math xlink', '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>'],
  ['html comment trick', '<!--<img src="--><img src=x onerror=alert(1)//">'],
  ['template', '<template><script>alert(1)</script></template>'],
  ['noscript', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['target=_blank tabnabbing', '<a href="https://ok.example/" target="_blank" rel="opener">ok</a>'],
];

// Structural checks over serialized HTML: they look inside tags only, so text that merely
// mentions "onerror=" (escaped as &lt;...) does not count, and a real attribute cannot hide.
const DANGERS: Array<[string, RegExp]> = [
  ['a dangerous element', /<(script|iframe|frame|svg|math|object|embed|base|template|noscript)\b/i],
  ['an event handler attribute', /<[^>]*\son[a-z]+\s*=/i],
  ['a style attribute', /<[^>]*\sstyle\s*=/i],
  ['a script or data URL', /<[^>]*\s(href|src|action|xlink:href|srcdoc)\s*=\s*["']?\s*(javascript|vbscript|data):/i],
  ['a srcdoc attribute', /<[^>]*\ssrcdoc\s*=/i],
];

// Never in a post, though the page around it legitimately has some (its head, the subscribe form).
const NOT_IN_POSTS = /<(style|meta|link|form|input|button|select|textarea)\b/i;

/** Nothing on a page may run script. */
function expectHarmless(html: string) {
  for (const [what, pattern] of DANGERS) expect(html, `${what} in ${html}`).not.toMatch(pattern);
}

/** A post's own HTML is held to more: no forms or head elements, safe links, images from https or a relative path. */
function expectSafePost(html: string) {
  expectHarmless(html);
  expect(html).not.toMatch(NOT_IN_POSTS);
  for (const anchor of html.match(/<a\b[^>]*>/gi) ?? []) {
    expect(anchor).toContain('rel="noopener noreferrer"');
    expect(anchor).not.toMatch(/target=/);
  }
  for (const img of html.match(/<img\b[^>]*>/gi) ?? []) expect(img).toMatch(/\ssrc="(https:\/\/|(?![\s/\\]*[/\\]{2})[^":]*")/);
}

const withoutStyles = (html: string) => html.replace(/<style>[^<]*<\/style>/g, '');
const articleOf = (page: string) => page.match(/<div class="post-body">([\s\S]*)<\/div><\/article>/)?.[1];

describe('hostile Markdown and HTML come out harmless', () => {
  it.each(CORPUS)('%s: in body_html and on the published page', async (name, body) => {
    const post = await publishedPost(t.app, { title: `Hostile ${name}`, body });
    expectSafePost(post.body_html);
    const page = await (await t.app.request(`/posts/${post.slug}`)).text();
    // Our pages carry no script at all, so any script element on the page came from the post.
    expectHarmless(withoutStyles(page));
    expect(page.match(/<form\b/g)).toHaveLength(1);
    expect(articleOf(page)).toBe(post.body_html);
    expectSafePost(articleOf(page)!);
  });

  it('keeps what posts legitimately need', async () => {
    const body = [
      '## Section',
      'A [link](https://example.com/a?b=1&c=2 "Title") and <mailto:ed@example.com>.',
      '![Harbour](https://cdn.example.com/harbour.jpg "At dawn")',
      '1. one\n2. two',
      '> quoted',
      '```ts\nconst x = 1 < 2;\n```',
      '| a | b |\n|---|:-:|\n| 1 | 2 |',
    ].join('\n\n');
    const post = await publishedPost(t.app, { title: 'Legit', body });
    const html: string = post.body_html;
    expect(html).toContain('<h2>Section</h2>');
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" title="Title" rel="noopener noreferrer">link</a>');
    expect(html).toContain('<a href="mailto:ed@example.com" rel="noopener noreferrer">mailto:ed@example.com</a>');
    expect(html).toContain('<img src="https://cdn.example.com/harbour.jpg" alt="Harbour" title="At dawn" />');
    expect(html).toMatch(/<ol>\s*<li>one<\/li>/);
    expect(html).toMatch(/<blockquote>\s*<p>quoted<\/p>/);
    expect(html).toContain('<pre><code class="language-ts">const x = 1 &lt; 2;');
    expect(html).toMatch(/<table>[\s\S]*<th align="center">b<\/th>[\s\S]*<td>1<\/td>/);
  });

  it('escapes hostile titles, authors, excerpts and tags on the page and in the archive', async () => {
    const evil = '<script>alert(1)</script><b onclick=alert(2)>';
    const post = await publishedPost(t.app, { title: `T ${evil}`, author: `A ${evil}`, excerpt: `E ${evil}`, tags: [`g ${evil}`], body: 'plain' });
    for (const path of [`/posts/${post.slug}`, '/posts']) {
      const html = await (await t.app.request(path)).text();
      expectHarmless(withoutStyles(html));
      expect(html).toContain('T &lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=alert(2)&gt;');
    }
  });

  it('stores nothing executable however the post is edited', async () => {
    const post = await publishedPost(t.app, { title: 'Edited later', body: 'fine' });
    const res = await adminApi(t.app, 'PATCH', `/api/admin/posts/${post.id}`, { body: '<img src=x onerror=alert(1)><script>alert(2)</script>ok' });
    expect(res.status).toBe(200);
    expectSafePost(res.body.body_html);
    // The relative image stays (mail makes it absolute); its handler and the script do not.
    expect(res.body.body_html).toBe('<p><img src="x" />ok</p>');
  });
});
