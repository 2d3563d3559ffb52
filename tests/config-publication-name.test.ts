import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { runEntry } from './helpers/server-process.js';

// PUBLICATION_NAME becomes the From display name and List-Id of every mail: a line break there
// used to leave every send spinning in `sending`; now it stops start-up like any bad variable.
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('PUBLICATION_NAME', () => {
  it.each([['Ally\r\nBcc: x@evil.test'], ['Ally\nCaral'], ['Ally\u0007'], ['Ally\u2028Caral']])('refuses %j with one line naming the variable', (value) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, PUBLICATION_NAME: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith('Invalid configuration: PUBLICATION_NAME: ')).toBe(true);
  });

  it('accepts an ordinary name, accents and punctuation included', () => {
    expect(loadConfig({ DATA_DIR: dataDir, PUBLICATION_NAME: 'Zoë\'s "Weekly" — Dublin' }).publicationName).toBe('Zoë\'s "Weekly" — Dublin');
  });

  it('`npm start` with a line break in it exits 1 before creating the database', async () => {
    const result = await runEntry('src/server.ts', { DATA_DIR: dataDir, PUBLICATION_NAME: 'Ally\r\nBcc: x@evil.test' });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l !== '')[0]).toMatch(/^Invalid configuration: PUBLICATION_NAME: /);
    expect(existsSync(join(dataDir, 'broadsheet.db'))).toBe(false);
  });
});
