import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOCS_ASSETS } from '../src/http/docs-assets.js';
import { fetcherDocsAssets, type AssetFetcher } from '../src/http/docs-assets-fetcher.js';
import { ROOT } from './helpers/server-process.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

/** Answers as a Workers Static Assets binding over `dir` does: the file at the URL's path, or 404. */
function directoryFetcher(dir: string): AssetFetcher & { requested: string[] } {
  const requested: string[] = [];
  return {
    requested,
    async fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requested.push(path);
      try {
        return new Response(await readFile(join(dir, normalize(path))));
      } catch {
        return new Response('Not Found', { status: 404 });
      }
    },
  };
}

/** `node --import tsx scripts/copy-docs-assets.ts DIR`, as a Workers build runs it. */
const copyDocsAssets = (dir: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'copy-docs-assets.ts'), dir], { cwd: ROOT });

let assetsDir: string;
let node: TestContext;
let workers: TestContext;
let fetcher: ReturnType<typeof directoryFetcher>;
beforeEach(async () => {
  assetsDir = mkdtempSync(join(tmpdir(), 'broadsheet-assets-'));
  fetcher = directoryFetcher(assetsDir);
  node = await createTestContext();
  workers = await createTestContext({ deps: { docsAssets: fetcherDocsAssets(fetcher) } });
});
afterEach(async () => {
  await node.close();
  await workers.close();
  rmSync(assetsDir, { recursive: true, force: true });
});

/** The body by size and digest: comparing 1.7 MB element by element takes vitest seconds. */
const answer = async (t: TestContext, path: string) => {
  const res = await t.app.request(path);
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: Object.fromEntries(res.headers), size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
};

describe('Swagger UI from Workers static assets', () => {
  it('serves the bytes and headers the Node assets serve, from the directory the copy script fills', async () => {
    await copyDocsAssets(assetsDir);
    for (const name of Object.keys(DOCS_ASSETS)) {
      const fromNode = await answer(node, `/docs/assets/${name}`);
      const fromAssets = await answer(workers, `/docs/assets/${name}`);
      expect(fromNode.status).toBe(200);
      expect(fromNode.size).toBeGreaterThan(100_000);
      expect(fromAssets).toEqual(fromNode);
    }
    // Each file is fetched from the binding once, then kept.
    await answer(workers, '/docs/assets/swagger-ui.css');
    expect(fetcher.requested).toEqual(['/swagger-ui/swagger-ui.css', '/swagger-ui/swagger-ui-bundle.js']);
    // The page that loads them keeps the app's own headers (the CSP among them).
    expect(await answer(workers, '/docs')).toEqual(await answer(node, '/docs'));
  });

  it('fails while the files are missing from the assets, and serves them once they are there', async () => {
    expect((await answer(workers, '/docs/assets/swagger-ui.css')).status).toBe(500);
    await copyDocsAssets(assetsDir);
    const css = await answer(workers, '/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css).toEqual(await answer(node, '/docs/assets/swagger-ui.css'));
  });

  it('asks the binding for nothing but the Swagger UI files', async () => {
    await copyDocsAssets(assetsDir);
    expect((await answer(workers, '/docs/assets/package.json')).status).toBe(404);
    expect((await answer(workers, '/docs/assets/..%2Fswagger-ui%2Fswagger-ui.css')).status).toBe(404);
    expect(fetcher.requested).toEqual([]);
  });
});
