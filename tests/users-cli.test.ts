import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { deskBrowser, PASSWORD } from './helpers/desk-browser.js';
import { runCli } from './helpers/server-process.js';
import { withTestDatabase } from './helpers/test-database.js';

describe('broadsheet users (CLI)', () => {
  // Several CLI processes, each starting up and migrating: more than the default 30 s on a busy machine.
  it('creates an editor whose printed link sets a password the desk then accepts, and lists editors', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-cli-'));
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://desk.example.com' };
    const cli = (...args: string[]) => runCli(['users', ...args], env);
    try {
      const created = await cli('create', 'Owner@Example.com');
      expect(created.code).toBe(0);
      expect(created.stdout).toContain('created owner 1 Owner@example.com');
      const link = created.stdout.match(/^https:\/\/desk\.example\.com\/admin\/set-password\/[A-Za-z0-9_-]{43}$/m)?.[0];
      expect(link).toBeDefined();
      const editor = await cli('create', 'writer@example.com', '--role', 'editor');
      expect(editor.code).toBe(0);
      expect(editor.stdout).toContain('created editor 2 writer@example.com');

      const deps = await createNodeDeps(loadConfig(withTestDatabase(env)), silentLogger);
      try {
        const browser = deskBrowser(createApp(deps));
        expect((await browser.post(new URL(link!).pathname, { password: PASSWORD, password_confirm: PASSWORD })).status).toBe(303);
        expect((await browser.signIn('owner@example.com', PASSWORD)).status).toBe(303);
        expect(await (await browser.get('/admin/account')).text()).toContain('Signed in as <strong>Owner@example.com</strong> (owner)');
      } finally {
        await deps.mailer.close();
        await deps.db.destroy();
      }

      const listed = await cli('list');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^1\tOwner@example\.com\towner\tactive\tcreated \d{4}-/m);
      expect(listed.stdout).toMatch(/^2\twriter@example\.com\teditor\tno password yet\tcreated \d{4}-/m);
      expect(listed.stdout).not.toContain('pbkdf2');

      const twice = await cli('create', 'owner@example.com');
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('There is already an editor with the address owner@example.com');
      const badRole = await cli('create', 'x@example.com', '--role', 'admin');
      expect(badRole.code).toBe(1);
      expect(badRole.stderr).toContain('role must be one of owner, editor');
      const usage = await cli('create');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('usage: broadsheet users create EMAIL [--role owner|editor] | users list');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
