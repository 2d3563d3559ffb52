import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseSesUrl } from './mail/ses-url.js';

/** A rate limit such as `10/1m`: at most `count` events per `windowMs`; count 0 disables it. */
export interface RateLimit {
  count: number;
  windowMs: number;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const rateLimit = z
  .string()
  .trim()
  // A zero-length window ("10/0m") would silently turn the limit off: refuse it.
  .regex(/^\d+(\/([1-9]\d*)?[smhd])?$/, 'expected COUNT or COUNT/WINDOW, e.g. 10/1m')
  .transform((value): RateLimit => {
    const [count, window = '1m'] = value.split('/') as [string, string | undefined];
    const unit = window.slice(-1) as keyof typeof UNIT_MS;
    const amount = window.length > 1 ? Number(window.slice(0, -1)) : 1;
    return { count: Number(count), windowMs: amount * UNIT_MS[unit] };
  });

const port = z.coerce.number().int().min(0).max(65535);

// `Name <address>` with the name bare (no RFC 5322 specials, so no second address can hide in it)
// or quoted; or a bare address. One address only, and never a line break, as it becomes From.
const NAMED_ADDRESS = /^(?:"((?:[^"\\]|\\.)*)"|([^()<>[\]:;@\\,"]*?))\s*<([^<>]*)>$/;
const mailbox = z
  .string()
  .trim()
  .refine((value) => !/[\p{Cc}\u2028\u2029]/u.test(value), 'must be one line without control characters')
  .transform((value, ctx) => {
    const named = NAMED_ADDRESS.exec(value);
    const address = named ? named[3]!.trim() : value;
    if (!z.email().safeParse(address).success) {
      ctx.addIssue({ code: 'custom', message: 'expected one address: news@example.com or Name <news@example.com>' });
      return z.NEVER;
    }
    const name = (named?.[1]?.replace(/\\(.)/g, '$1') ?? named?.[2] ?? '').trim();
    return { address, name: name || undefined };
  });
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SES_URL: z
    .url({ protocol: /^https?$/ })
    .superRefine((value, ctx) => {
      try {
        parseSesUrl(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  MAIL_FROM: mailbox.optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SECRET_PREVIOUS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(32, 'each secret must be at least 32 characters')))
    .optional(),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLICATION_NAME: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'must be one line without control characters (it goes into mail headers)').optional(),
  SUBSCRIBE_RATE_LIMIT: rateLimit.default(rateLimit.parse('10/1m')),
  CONFIRM_MAILS_PER_DAY: z.coerce.number().int().min(1).max(100).default(3),
  TRUST_PROXY: bool.default(false),
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
  SEND_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  SEND_RETRY_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SEND_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  UNSUBSCRIBE_MAILTO: z.email().optional(),
  FEEDBACK_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore').optional(),
  DKIM_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain name').optional(),
  DKIM_SELECTOR: z.string().regex(/^[a-z0-9._-]+$/i, 'a DKIM selector').optional(),
  DKIM_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { message: 'a PEM private key' }).optional(),
  WORKER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  BOUNCE_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SES_SNS_TOPIC_ARNS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'expected comma-separated SNS topic ARNs')))
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
}).refine((e) => !(e.SMTP_URL && e.SES_URL), { path: ['SES_URL'], message: 'SMTP_URL is set too; mail goes one way, set only one of them' });

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  /** Amazon SES over its HTTP API instead of SMTP (see src/mail/ses-url.ts). */
  sesUrl: string | undefined;
  /** The sender address (MAIL_FROM without its name). */
  mailFrom: string;
  /** The name given in MAIL_FROM (`Name <address>`): the default sender name in settings. */
  mailFromName: string | undefined;
  secret: string;
  /** Secrets replaced by SECRET during a rotation: still accepted when verifying links, never used to sign. */
  secretPrevious: string[];
  adminApiKey: string | undefined;
  publicationName: string;
  subscribeRateLimit: RateLimit;
  confirmMailsPerDay: number;
  trustProxy: boolean;
  sendConcurrency: number;
  sendRatePerSecond: number;
  sendRetryDelayMs: number;
  sendMaxAttempts: number;
  /** How long a worker owns claimed deliveries; after a crash they are taken again when it runs out. */
  sendLeaseMs: number;
  unsubscribeMailto: string | undefined;
  feedbackId: string | undefined;
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  workerPollMs: number;
  logLevel: Env['LOG_LEVEL'];
  /** Key of the HMAC on generic bounce webhooks; unset disables that provider. */
  bounceWebhookSecret: string | undefined;
  /** The SNS topics whose SES notifications are trusted; empty disables the `ses` provider. */
  sesTopicArns: string[];
}

/** Thrown for a bad environment; its message is the one line start-up prints. */
export class ConfigError extends Error {}

/**
 * Reads and validates the environment. Only the first problem is reported, as one line naming
 * the variable, because that is what an operator fixes first.
 */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])}: ${issue.message}`);
  }
  return result.data;
}

/** What a runtime supplies where the environment is silent. */
export interface RuntimeDefaults {
  dataDir: string;
  databaseUrl: string;
  publicUrl: string;
  /** Called only when SECRET is unset. */
  secret: () => string;
}

/** The configuration from a parsed environment, with the runtime's own defaults; no I/O. */
export function buildConfig(e: Env, defaults: RuntimeDefaults): Config {
  const publicUrl = (e.PUBLIC_URL ?? defaults.publicUrl).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: defaults.dataDir,
    databaseUrl: e.DATABASE_URL ?? defaults.databaseUrl,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    sesUrl: e.SES_URL,
    mailFrom: e.MAIL_FROM?.address ?? `newsletter@${mailDomain(publicUrl)}`,
    mailFromName: e.MAIL_FROM?.name,
    secret: e.SECRET ?? defaults.secret(),
    secretPrevious: e.SECRET_PREVIOUS ?? [],
    adminApiKey: e.ADMIN_API_KEY,
    publicationName: e.PUBLICATION_NAME ?? 'Broadsheet',
    subscribeRateLimit: e.SUBSCRIBE_RATE_LIMIT,
    confirmMailsPerDay: e.CONFIRM_MAILS_PER_DAY,
    trustProxy: e.TRUST_PROXY,
    sendConcurrency: e.SEND_CONCURRENCY,
    sendRatePerSecond: e.SEND_RATE_PER_SECOND,
    sendRetryDelayMs: e.SEND_RETRY_DELAY_MS,
    sendMaxAttempts: e.SEND_MAX_ATTEMPTS,
    sendLeaseMs: e.SEND_LEASE_MS,
    unsubscribeMailto: e.UNSUBSCRIBE_MAILTO,
    feedbackId: e.FEEDBACK_ID,
    dkim: dkimConfig(e),
    workerPollMs: e.WORKER_POLL_MS,
    logLevel: e.LOG_LEVEL,
    bounceWebhookSecret: e.BOUNCE_WEBHOOK_SECRET,
    sesTopicArns: e.SES_SNS_TOPIC_ARNS ?? [],
  };
}

/** Builds Node's configuration, creating DATA_DIR and a persistent SECRET on first run. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(env);
  const dataDir = resolve(e.DATA_DIR);
  // Only the owner: it holds the database and the secret that signs every reader's links.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return buildConfig(e, {
    dataDir,
    databaseUrl: join(dataDir, 'broadsheet.db'),
    publicUrl: `http://localhost:${e.PORT}`,
    secret: () => persistedSecret(dataDir),
  });
}

function dkimConfig(e: Env): Config['dkim'] {
  const parts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY];
  if (parts.every((p) => p === undefined)) return undefined;
  if (parts.some((p) => p === undefined)) {
    throw new ConfigError('Invalid configuration: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must be set together');
  }
  // Keys often arrive through env files with literal "\n" sequences.
  return { domainName: e.DKIM_DOMAIN!, keySelector: e.DKIM_SELECTOR!, privateKey: e.DKIM_PRIVATE_KEY!.replace(/\\n/g, '\n') };
}

// "localhost" is not a valid mail domain for many parsers; keep a dotted name for defaults.
function mailDomain(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return host.includes('.') ? host : `${host}.localdomain`;
}

// Tokens in mails already sent must stay valid across restarts, so a generated secret is kept.
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
