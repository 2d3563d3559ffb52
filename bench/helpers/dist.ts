import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../tests/helpers/server-process.js';

/**
 * Imports a module of the built product (`npm run build` first), typed as its source: benches
 * measure what `npm start` runs, not tsx's transpilation. `T` is `typeof import('../src/...')`.
 */
export async function importDist<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
}
