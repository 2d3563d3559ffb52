import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_ASSETS, type DocsAssetName, type DocsAssets } from './docs-assets.js';

/**
 * Swagger UI from the installed swagger-ui-dist package: the version the lockfile pins, never a
 * CDN's. Each file is read at its first request and kept (about 1.5 MB in all).
 */
export function nodeSwaggerUiAssets(): DocsAssets {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = new Map<DocsAssetName, Promise<string>>();
  return {
    read(name) {
      if (!(name in DOCS_ASSETS)) throw new Error(`not a Swagger UI asset: ${name}`);
      let file = files.get(name);
      if (!file) files.set(name, (file = readFile(join(dir, name), 'utf8')));
      return file;
    },
  };
}
