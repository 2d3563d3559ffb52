import { wrangler } from './wrangler.js';

/**
 * `npm run dev:worker [-- wrangler dev options]`: the Worker on this machine, offline, in one
 * command (after `npm run build:worker-assets`). Applies migrations/d1 to the local D1 (stdin closed, so wrangler does not stop to ask),
 * then starts `wrangler dev` with every argument given after `--`, e.g.
 * `--ip 127.0.0.1 --port 8787 --var SMTP_URL:smtp://127.0.0.1:2525 --var SECRET:…`.
 */
const applied = wrangler(['d1', 'migrations', 'apply', 'DB', '--local'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (applied !== 0) process.exit(applied);
// --test-scheduled: cron never fires locally; GET /__scheduled runs the scheduled handler on demand.
process.exit(wrangler(['dev', '--test-scheduled', ...process.argv.slice(2)]));
