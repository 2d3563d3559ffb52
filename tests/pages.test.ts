import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { publicPages, type PublicPage } from './helpers/public-pages.js';
import { createTestContext, form, type TestContext } from './helpers/test-app.js';

let t: TestContext;
let pages: PublicPage[];
beforeAll(async () => {
  t = await createTestContext({ env: ADMIN_ENV });
  pages = await publicPages(t.app, t.deps);
});
afterAll(async () => t.close());

const fetchPage = (p: PublicPage) => t.app.request(p.path, p.form ? form(p.form) : undefined);

describe('every public HTML page', () => {
  it('is a complete document that starts with the doctype', async () => {
    for (const p of pages) {
      const res = await fetchPage(p);
      expect(res.status, p.name).toBe(p.status);
      expect(res.headers.get('content-type'), p.name).toMatch(/^text\/html/);
      expect(await res.text(), p.name).toMatch(/^<!doctype html>/i);
    }
  });
});

describe('framing and caching of the public pages', () => {
  it('refuses frames on every page but /subscribe, /embed and what their form posts answer', async () => {
    for (const p of pages) {
      const res = await fetchPage(p);
      const csp = res.headers.get('content-security-policy') ?? '';
      if (p.embeddable) {
        expect(csp, p.name).not.toContain('frame-ancestors');
        expect(res.headers.get('x-frame-options'), p.name).toBeNull();
      } else {
        expect(csp, p.name).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-frame-options'), p.name).toBe('DENY');
      }
    }
  });

  it("keeps token pages and pages showing a reader's address out of every cache", async () => {
    for (const p of pages) {
      const res = await fetchPage(p);
      if (p.noStore) expect(res.headers.get('cache-control'), p.name).toBe('no-store');
      else expect(res.headers.get('cache-control') ?? '', p.name).not.toContain('no-store');
    }
    const refused = await t.app.request('/api/subscribe', form({ email: 'echo.me@localhost' }));
    expect(await refused.text()).toContain('echo.me@localhost');
  });
});

describe('GET /docs', () => {
  it('loads Swagger UI only from this origin, under a policy that allows no inline or outside script', async () => {
    const res = await t.app.request('/docs');
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/docs.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/docs.js']);
    expect(html).not.toMatch(/<script>|<style>| style=/);
    const policy = res.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toMatch(/unsafe-inline|https:|\*/);
  });

  it('serves the installed swagger-ui-dist files with their content types', async () => {
    const types: Record<string, RegExp> = {
      '/docs/assets/swagger-ui.css': /^text\/css; charset=utf-8$/,
      '/docs/assets/docs.css': /^text\/css; charset=utf-8$/,
      '/docs/assets/swagger-ui-bundle.js': /^text\/javascript; charset=utf-8$/,
      '/docs/assets/docs.js': /^text\/javascript; charset=utf-8$/,
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const bundle = await (await t.app.request('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    expect((await t.app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await t.app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
