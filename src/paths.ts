import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same code runs from src/ (tsx, tests) and from dist/src/ (npm start): find the package root.
function findRoot(dir: string): string {
  if (existsSync(join(dir, 'package.json'))) return dir;
  const parent = dirname(dir);
  if (parent === dir) throw new Error('broadsheet: cannot find the package root (package.json)');
  return findRoot(parent);
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export const TEMPLATES_DIR = join(PROJECT_ROOT, 'templates');
