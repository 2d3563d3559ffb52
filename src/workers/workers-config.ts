import { buildConfig, ConfigError, parseEnv, type Config } from '../config.js';

/**
 * The configuration of a Worker, from its vars and secrets, with the same names and the same
 * validation as on Node. What Node finds on disk must be given here: a Worker has no DATA_DIR
 * to keep a generated SECRET in, and no outbox to write mail to.
 */
export function workersConfig(vars: Record<string, string | undefined>): Config {
  const e = parseEnv(vars);
  if (!e.SMTP_URL && !e.SES_URL) {
    throw new ConfigError('Invalid configuration: SMTP_URL: required on Workers (or SES_URL): a Worker has no outbox to write mail to');
  }
  return buildConfig(e, {
    dataDir: '',
    databaseUrl: 'd1:DB',
    publicUrl: 'http://localhost:8787',
    secret: () => {
      throw new ConfigError('Invalid configuration: SECRET: required on Workers (`wrangler secret put SECRET`; at least 32 characters)');
    },
  });
}
