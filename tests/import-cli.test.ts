import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/server-process.js';
import { createTestContext, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext();
});
afterEach(async () => t.close());

/** Runs `broadsheet ARGS` (bin/broadsheet.js, as installed) against the test's data directory. */
function broadsheet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'broadsheet.js'), ...args], {
      cwd: t.dataDir,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: t.dataDir, DATABASE_URL: t.config.databaseUrl, SECRET: t.config.secret, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const subscribers = () => t.deps.db.selectFrom('subscribers').select(['email', 'status']).orderBy('email').execute();

describe('broadsheet import FILE', () => {
  it('imports a file and prints the counts and the invalid rows', async () => {
    copyFileSync(new URL('./fixtures/subscribers-invalid-rows.csv', import.meta.url), join(t.dataDir, 'list.csv'));
    const run = await broadsheet('import', 'list.csv');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created 2, updated 0, skipped 0, invalid 5');
    expect(run.stdout).toContain('line 3: bad-address: email is not a valid address');
    expect(await subscribers()).toEqual([
      { email: 'ok1@example.com', status: 'active' },
      { email: 'ok6@example.com', status: 'active' },
    ]);
  });

  it('with --double-opt-in, adds pending readers and queues their confirmations', async () => {
    writeFileSync(join(t.dataDir, 'list.csv'), 'email\nnew@example.com\n');
    const run = await broadsheet('import', '--double-opt-in', 'list.csv');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 confirmation mails queued');
    expect(await subscribers()).toEqual([{ email: 'new@example.com', status: 'pending' }]);
    await t.drain();
    expect((await t.smtp.waitFor(1))[0]!.envelope.to).toEqual(['new@example.com']);
  });

  it('refuses a malformed file, importing nothing, and explains usage', async () => {
    copyFileSync(new URL('./fixtures/subscribers-unbalanced.csv', import.meta.url), join(t.dataDir, 'bad.csv'));
    const bad = await broadsheet('import', 'bad.csv');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unbalanced quotes');
    expect(await subscribers()).toEqual([]);
    const usage = await broadsheet('import');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('broadsheet import FILE [--double-opt-in]');
    expect((await broadsheet('import', 'missing.csv')).stderr).toContain('no such file');
  });
});
