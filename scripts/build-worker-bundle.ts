import { wrangler } from './wrangler.js';

/**
 * `wrangler deploy --dry-run`: bundles src/worker.ts exactly as a deploy would, offline, into
 * OUTDIR (default dist/worker), so its size can be read without a Cloudflare account.
 */
process.exit(wrangler(['deploy', '--dry-run', '--minify', '--outdir', process.argv[2] ?? 'dist/worker'], { stdio: ['ignore', 'inherit', 'inherit'] }));
