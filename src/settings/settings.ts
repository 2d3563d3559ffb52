import type { Config } from '../config.js';
import type { Db } from '../db/database.js';

/** What the publication says about itself in pages, mail headers and footers. */
export interface Settings {
  name: string;
  description: string;
  sender_name: string;
  sender_email: string;
  reply_to: string;
  postal_address: string;
  public_url: string;
  language: string;
}

export function defaultSettings(config: Config): Settings {
  return {
    name: config.publicationName,
    description: 'Subscribe to get the latest posts sent to your email',
    sender_name: config.mailFromName ?? config.publicationName,
    sender_email: config.mailFrom,
    reply_to: '',
    postal_address: '',
    public_url: config.publicUrl,
    language: 'en',
  };
}

/** The stored settings over the defaults from configuration. */
export async function getSettings(db: Db, config: Config): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const settings = defaultSettings(config);
  for (const { key, value } of rows) {
    if (key in settings) (settings as unknown as Record<string, unknown>)[key] = JSON.parse(value);
  }
  return settings;
}
