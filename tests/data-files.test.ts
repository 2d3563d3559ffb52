import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Deps } from '../src/deps.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { importSubscribers } from '../src/subscribers/import/import-subscribers.js';

let parent: string | undefined;
let deps: Deps | undefined;
afterEach(async () => {
  await deps?.db.destroy();
  if (parent) rmSync(parent, { recursive: true, force: true });
  deps = parent = undefined;
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

it('a fresh DATA_DIR and the database, -wal and -shm files in it are readable by the owner only', async () => {
  parent = mkdtempSync(join(tmpdir(), 'broadsheet-modes-'));
  const dataDir = join(parent, 'data');
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://news.example.com', LOG_LEVEL: 'silent' });
  deps = await createNodeDeps(config, silentLogger);
  // A write, so that SQLite has made the -wal and -shm files.
  await deps.db.insertInto('settings').values({ key: 'probe', value: '1', updated_at: 'now' }).execute();

  const db = join(dataDir, 'broadsheet.db');
  expect(existsSync(`${db}-wal`) && existsSync(`${db}-shm`)).toBe(true);
  expect({ dir: mode(dataDir), db: mode(db), wal: mode(`${db}-wal`), shm: mode(`${db}-shm`), secret: mode(join(dataDir, 'secret')) }).toEqual({
    dir: '700',
    db: '600',
    wal: '600',
    shm: '600',
    secret: '600',
  });
});

it('the outbox, which holds every reader\'s mail, and the import spool are readable by the owner only', async () => {
  parent = mkdtempSync(join(tmpdir(), 'broadsheet-modes-'));
  const dataDir = join(parent, 'data');
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://news.example.com', LOG_LEVEL: 'silent' });
  deps = await createNodeDeps(config, silentLogger);
  await deps.mailer.sendRaw({ from: 'news@news.example.com', to: 'reader@example.com' }, 'To: reader@example.com\r\nSubject: hi\r\n\r\nhello\r\n');
  await importSubscribers(deps, { stream: Readable.from(['email\nreader@example.com\n']) });

  const outbox = join(dataDir, 'outbox');
  const [file] = readdirSync(outbox);
  expect({ outbox: mode(outbox), message: mode(join(outbox, file!)), spool: mode(join(dataDir, 'tmp')) }).toEqual({ outbox: '700', message: '600', spool: '700' });
});
