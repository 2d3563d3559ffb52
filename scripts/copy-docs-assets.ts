/**
 * Copies Swagger UI's files from the installed swagger-ui-dist into the Worker's static assets
 * directory (wrangler.toml `[assets] directory`), where `fetcherDocsAssets` reads them:
 *
 *   node --import tsx scripts/copy-docs-assets.ts [ASSETS_DIR]   (default dist/worker-assets)
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DOCS_ASSETS } from '../src/http/docs-assets.js';
import { DOCS_ASSETS_DIR } from '../src/http/docs-assets-fetcher.js';
import { swaggerUiDistDir } from '../src/http/swagger-ui-node.js';

const target = join(resolve(process.argv[2] ?? 'dist/worker-assets'), DOCS_ASSETS_DIR);
await mkdir(target, { recursive: true });
const source = swaggerUiDistDir();
for (const name of Object.keys(DOCS_ASSETS)) await copyFile(join(source, name), join(target, name));
console.log(`copied ${Object.keys(DOCS_ASSETS).join(', ')} to ${target}`);
