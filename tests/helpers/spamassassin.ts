import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpamVerdict {
  score: number;
  /** The names of the rules the message hit, e.g. `HTML_MESSAGE`. */
  rules: string[];
  /** SpamAssassin's whole report, for failure messages. */
  report: string;
}

// Its own empty preferences: nothing from the account running the tests changes the verdict.
let prefsFile: string | undefined;
const emptyPrefs = () => {
  if (!prefsFile) {
    prefsFile = join(mkdtempSync(join(tmpdir(), 'broadsheet-sa-')), 'user_prefs');
    writeFileSync(prefsFile, '');
  }
  return prefsFile;
};

/**
 * Judges a raw message with Debian's SpamAssassin: local rules only (-L, no network), Bayes off
 * (its verdict would drift as runs teach it). Fails clearly when SpamAssassin is not installed:
 * a green run must mean the mail was really judged.
 */
export function spamAssassin(raw: string): Promise<SpamVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('spamassassin', ['-L', '-t', '-p', emptyPrefs(), '--cf=use_bayes 0', '--cf=bayes_auto_learn 0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('spamassassin is not installed; the mail tests need it (apt-get install spamassassin, as .ci/run does)') : error),
    );
    child.on('close', (code) => {
      // The verdict header of the message as SpamAssassin rewrote it, unfolded.
      const status = out.match(/^X-Spam-Status: (.*(?:\r?\n[ \t].*)*)/m)?.[1]?.replace(/\r?\n[ \t]+/g, ' ');
      const score = status?.match(/\bscore=(-?[\d.]+)/)?.[1];
      if (code !== 0 || !status || score === undefined) return reject(new Error(`spamassassin failed (exit ${code}): ${err || out.slice(0, 2000)}`));
      // The list may be folded after any comma: read up to the next key, whitespace and all.
      const tests = status.match(/\btests=(.*?)\s+(?:autolearn|version)=/)?.[1] ?? '';
      const rules = tests.split(/[,\s]+/).filter((r) => r && r !== 'none');
      resolve({ score: Number(score), rules, report: out.slice(out.indexOf('Content analysis details')) });
    });
    child.stdin.end(raw);
  });
}
