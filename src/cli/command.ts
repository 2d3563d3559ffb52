import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { Logger, LogLevel } from '../log.js';

export interface CliContext {
  config: Config;
  logger: Logger;
  /** Opens and migrates the database and builds every dependency (once). */
  deps(): Promise<Deps>;
  out(line: string): void;
}

/** One `broadsheet NAME ...` subcommand. Returns the exit code (0 when omitted). */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** The log level when LOG_LEVEL is not set (the demo keeps per-message logs out of its progress bar). */
  defaultLogLevel?: LogLevel;
  run(args: string[], ctx: CliContext): Promise<number | void>;
}

export class UsageError extends Error {}
