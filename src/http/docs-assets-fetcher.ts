import { keptDocsAssets, type DocsAssets } from './docs-assets.js';

/** A Workers Static Assets binding (`env.ASSETS`), or anything that answers requests as one does. */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

/** Where `scripts/copy-docs-assets.ts` puts the Swagger UI files inside the assets directory. */
export const DOCS_ASSETS_DIR = 'swagger-ui';

/**
 * Swagger UI from the Worker's static assets, so that its 1.9 MB stay out of the Worker's
 * script. /docs still answers through the app (with its CSP and caching headers): the app
 * fetches from the binding, and the files are not served at their own paths when the Worker
 * runs first (`run_worker_first = true`).
 */
export function fetcherDocsAssets(assets: AssetFetcher): DocsAssets {
  return keptDocsAssets(async (name) => {
    // The binding looks at the path only; the host just makes the URL absolute.
    const res = await assets.fetch(new Request(`https://assets.invalid/${DOCS_ASSETS_DIR}/${name}`));
    if (!res.ok) throw new Error(`Swagger UI's ${name} is not among the Worker's static assets (${res.status}): run scripts/copy-docs-assets.ts before deploying`);
    return res.text();
  });
}
