import { UsageError, type CliContext } from './cli/command.js';
import { commands } from './cli/commands.js';
import { ConfigError, loadConfig } from './config.js';
import type { Deps } from './deps.js';
import { DomainError } from './errors.js';
import { createLogger } from './log.js';
import { createNodeDeps } from './runtime.js';

/** `broadsheet COMMAND ...`: the operator's entry point. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const width = Math.max(...commands.map((c) => c.usage.length));
    process.stdout.write(`usage: broadsheet COMMAND\n\n${commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`).join('\n')}\n`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : (command.defaultLogLevel ?? config.logLevel));
  let deps: Promise<Deps> | undefined;
  const ctx: CliContext = {
    config,
    logger,
    deps: () => (deps ??= createNodeDeps(config, logger)),
    out: (line) => process.stdout.write(`${line}\n`),
  };
  try {
    return (await command.run(args, ctx)) ?? 0;
  } finally {
    if (deps) {
      const d = await deps;
      await d.mailer.close();
      await d.db.destroy();
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) process.stderr.write(`usage: ${error.message}\n`);
    else if (error instanceof ConfigError || error instanceof DomainError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`broadsheet: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
