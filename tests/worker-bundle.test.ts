import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const outdir = mkdtempSync(join(tmpdir(), 'broadsheet-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the Worker bundle (wrangler deploy --dry-run)', () => {
  it('builds offline and stays under 1 MB gzipped, without MJML or nodemailer', () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-worker-bundle.ts', outdir], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const files = readdirSync(outdir).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    const code = files.map((f) => readFileSync(join(outdir, f)));
    const gzipped = code.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0);
    console.log(JSON.stringify({ bundle: files, bytes: code.reduce((s, c) => s + c.length, 0), gzip_bytes: gzipped }));
    expect(gzipped).toBeLessThan(1024 * 1024);
    const text = code.map((c) => c.toString('utf8')).join('\n');
    // What must stay out: MJML's compiler (templates are precompiled) and nodemailer, which
    // cannot send from a Worker (its SMTP transport and its DNS).
    expect(text).not.toContain('mjml-core');
    expect(text).not.toContain('SMTPConnection');
    expect(text).not.toContain('nodemailer');
  });
});
