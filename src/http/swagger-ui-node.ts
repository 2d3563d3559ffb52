import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { keptDocsAssets, type DocsAssets } from './docs-assets.js';

/** The installed swagger-ui-dist package's directory. */
export const swaggerUiDistDir = (): string => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * Swagger UI from the installed swagger-ui-dist package: the version the lockfile pins, never a
 * CDN's (about 1.9 MB in all).
 */
export function nodeSwaggerUiAssets(): DocsAssets {
  const dir = swaggerUiDistDir();
  return keptDocsAssets((name) => readFile(join(dir, name), 'utf8'));
}
