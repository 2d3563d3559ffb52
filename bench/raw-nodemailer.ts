/**
 * The fan-out baseline, meant to run in its own process (bench/fanout.bench.ts forks it): plain
 * pooled nodemailer sending `n` messages to the bench SMTP sink, `inflight` sendMail calls kept
 * in flight over `maxConnections` pooled connections.
 *
 * The message is the product's own mail: the parent passes the raw copy the sink captured (the
 * product's test send of the same post), parsed here back into subject, HTML, text and headers.
 *  - mode `compose`: `sendMail({from, to, subject, html, text, headers})` per reader, which is
 *    what an application using nodemailer directly does; nodemailer builds the MIME per message.
 *  - mode `prebuilt`: `sendMail({envelope, raw})` with the captured message as is: no MIME work
 *    at all, the ceiling of nodemailer's SMTP pool (and of the sink) on this machine.
 *
 * Reads its job from the FANOUT_RAW_JOB env (JSON), answers `{type: 'result', ...}` over IPC.
 */
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

export interface RawJob {
  mode: 'compose' | 'prebuilt';
  port: number;
  n: number;
  maxConnections: number;
  inflight: number;
  /** A file holding the captured raw message (CRLF line ends). */
  messageFile: string;
}

export interface RawResult {
  mode: RawJob['mode'];
  sent: number;
  failed: number;
  seconds: number;
  msgs_per_s: number;
  cpu_ms: number;
  peak_rss_mb: number;
  first_error?: string;
}

// The bench went away: stop sending into the void.
process.on('disconnect', () => process.exit(1));

const job = JSON.parse(process.env.FANOUT_RAW_JOB ?? '') as RawJob;
const raw = readFileSync(job.messageFile, 'utf8');
const parsed = await simpleParser(raw);
const header = (name: string) => {
  const line = parsed.headerLines.find((h) => h.key === name)?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
};
const from = parsed.from!.value[0]!;
const fixedHeaders: Record<string, string> = {};
for (const name of ['list-id', 'list-unsubscribe-post', 'precedence', 'auto-submitted', 'feedback-id']) {
  const value = header(name);
  if (value !== undefined) fixedHeaders[name] = value;
}
// The test copy's links are placeholders; give each reader a personal one, as the product does.
const origin = /<(https?:\/\/[^/>]+)/.exec(header('list-unsubscribe') ?? '')?.[1] ?? 'https://example.com';
const mailDomain = from.address!.slice(from.address!.indexOf('@') + 1);

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: job.port,
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: job.maxConnections,
  maxMessages: Infinity,
  disableFileAccess: true,
  disableUrlAccess: true,
} satisfies SMTPPool.Options);

function sendOne(i: number) {
  const to = `reader${i}@bench.example.com`;
  if (job.mode === 'prebuilt') return transport.sendMail({ envelope: { from: from.address!, to }, raw });
  return transport.sendMail({
    from: { name: from.name, address: from.address! },
    to,
    subject: parsed.subject ?? '',
    html: parsed.html || '',
    text: parsed.text ?? '',
    messageId: `<raw.${i}@${mailDomain}>`,
    headers: { ...fixedHeaders, 'list-unsubscribe': `<${origin}/unsubscribe/${String(i).padStart(43, 'r')}>` },
  });
}

const cpu0 = process.cpuUsage();
const start = performance.now();
let next = 0;
let sent = 0;
let failed = 0;
let firstError: string | undefined;
async function lane() {
  while (next < job.n) {
    const i = next++;
    try {
      await sendOne(i);
      sent++;
    } catch (error) {
      failed++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
}
await Promise.all(Array.from({ length: Math.min(job.inflight, job.n) }, lane));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
transport.close();

const result: RawResult = {
  mode: job.mode,
  sent,
  failed,
  seconds: Number(seconds.toFixed(3)),
  msgs_per_s: Math.round(sent / seconds),
  cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
  // maxRSS is in kilobytes.
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  ...(firstError ? { first_error: firstError } : {}),
};
process.send!({ type: 'result', result }, () => process.exit(0));
