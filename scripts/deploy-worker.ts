import { wrangler } from './wrangler.js';

/**
 * `npm run deploy [-- wrangler deploy options]`: applies migrations/d1 to the remote D1 named in
 * wrangler.toml, then deploys: migrations first, because the new code may need the new schema.
 */
const applied = wrangler(['d1', 'migrations', 'apply', 'DB', '--remote']);
if (applied !== 0) process.exit(applied);
process.exit(wrangler(['deploy', ...process.argv.slice(2)]));
