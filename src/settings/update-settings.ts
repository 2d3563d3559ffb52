import { atomicBatch } from '../db/atomic.js';
import { z } from 'zod';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { Invalid } from '../errors.js';
import { parseEmailAddress } from '../subscriptions/email-address.js';
import { singleLine } from '../text-input.js';
import { getSettings, type Settings } from './settings.js';

/**
 * What an editor may change, each value one line: they end up in mail headers (From, Reply-To,
 * List-Id) and footers, where a line break could forge a header. Unknown keys are refused.
 */
export const SettingsPatch = z
  .object({
    name: singleLine(200).min(1),
    description: singleLine(500),
    sender_name: singleLine(100).min(1),
    sender_email: singleLine(254).min(1),
    reply_to: singleLine(254).describe('"" for none'),
    postal_address: singleLine(300).describe('Shown in every email footer, as anti-spam laws require; one line'),
    public_url: singleLine(300).min(1).describe('Where readers reach this server, e.g. https://news.example.com'),
    language: singleLine(35).min(1).describe('BCP 47 tag such as en or pt-BR'),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** Validates and stores the given settings, all or none of them (one atomicBatch, on D1 too); returns all settings as they now are. */
export async function updateSettings(deps: Pick<Deps, 'db' | 'clock' | 'config'>, patch: SettingsPatch): Promise<Settings> {
  const values = normalise(patch);
  const now = iso(deps.clock.now());
  await atomicBatch(
    deps.db,
    Object.entries(values).map(([key, value]) => {
      const row = { key, value: JSON.stringify(value), updated_at: now };
      return deps.db
        .insertInto('settings')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: now }));
    }),
  );
  return getSettings(deps.db, deps.config);
}

// The field also goes in details, shaped like a validation issue of the API's, so that a form can
// show the message beside its input rather than parse it out of the text.
function invalid(field: keyof Settings, message: string): Invalid {
  return new Invalid(`${field}: ${message}`, [{ path: field, message }]);
}

function normalise(patch: SettingsPatch): Partial<Settings> {
  const values: Partial<Settings> = { ...patch };
  if (patch.sender_email !== undefined) values.sender_email = address('sender_email', patch.sender_email);
  if (patch.reply_to) values.reply_to = address('reply_to', patch.reply_to);
  if (patch.public_url !== undefined) values.public_url = publicUrl(patch.public_url);
  if (patch.language !== undefined) values.language = language(patch.language);
  return values;
}

function address(field: keyof Settings, value: string): string {
  try {
    return parseEmailAddress(value).email;
  } catch (error) {
    throw invalid(field, (error as Error).message);
  }
}

// Links in every mail are built from this, so it must be a plain http(s) base: no credentials,
// query or fragment; the trailing slash goes so paths can be appended.
function publicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('public_url', 'must be an absolute URL such as https://news.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('public_url', 'must start with https:// or http://');
  if (url.username || url.password || url.search || url.hash) throw invalid('public_url', 'must not contain credentials, a query or a fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function language(value: string): string {
  try {
    const [tag] = Intl.getCanonicalLocales(value);
    if (tag) return tag;
  } catch {
    // Falls through to the error below.
  }
  throw invalid('language', 'must be a BCP 47 language tag such as en, de or pt-BR');
}
