import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startNodeServer, stopOnSignals } from './node-server.js';
import { createNodeDeps } from './runtime.js';

/** `npm start`: HTTP and the background worker in one process, stopped cleanly on SIGTERM. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const server = await startNodeServer(await createNodeDeps(config, logger));
  stopOnSignals(server.close, logger);
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`broadsheet: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
