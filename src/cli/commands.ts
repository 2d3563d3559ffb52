import type { Command } from './command.js';
import { copyDbCommand } from './copy-db-command.js';
import { demoCommand } from './demo-command.js';
import { importCommand } from './import-command.js';
import { keysCommand } from './keys-command.js';
import { migrateCommand } from './migrate-command.js';
import { sendsCommand } from './sends-command.js';
import { usersCommand } from './users-command.js';
import { workerCommand } from './worker-command.js';

/** Every subcommand of `broadsheet`; add new ones here. */
export const commands: Command[] = [migrateCommand, keysCommand, usersCommand, importCommand, workerCommand, sendsCommand, copyDbCommand, demoCommand];
