import { afterEach, describe, expect, it } from 'vitest';
import { DESK_POLICY } from '../src/http/desk/desk-security.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
afterEach(async () => t?.close());

describe('the desk shell', () => {
  it('serves its stylesheet and script from its own origin under a CSP without inline code', async () => {
    t = await createTestContext();
    for (const [path, type] of [
      ['/admin/assets/desk.css', 'text/css'],
      ['/admin/assets/desk.js', 'text/javascript'],
    ] as const) {
      const res = await t.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-security-policy')).toBe(DESK_POLICY);
      // The pages are no-store; the assets keep the lifetime they set themselves.
      expect(res.headers.get('cache-control')).toBe('private, max-age=300');
      expect((await res.text()).length).toBeGreaterThan(10);
    }
    expect(DESK_POLICY).not.toContain('unsafe-inline');
  });
});
