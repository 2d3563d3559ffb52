import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../src/config.js';
import { memberLinks } from '../src/subscriptions/member-links.js';
import { createTokens } from '../src/subscriptions/tokens.js';
import { ADMIN_ENV } from './helpers/posts-fixtures.js';
import { addSubscriber } from './helpers/subscriber-fixtures.js';
import { createTestContext, form, type TestContext } from './helpers/test-app.js';

const OLD_SECRET = 'old-secret-old-secret-old-secret-old-0001';
const NEW_SECRET = 'new-secret-new-secret-new-secret-new-0002';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const status = async (email: string) =>
  (await t!.deps.db.selectFrom('subscribers').select('status').where('email_normalized', '=', email).executeTakeFirstOrThrow()).status;

/** An unsubscribe link as a mail sent before the rotation carried it: signed with the old SECRET. */
const oldLink = (id: number) => new URL(memberLinks('https://news.example.com', createTokens(OLD_SECRET), id).unsubscribe_url).pathname;

describe('SECRET rotation', () => {
  it('a link signed with the old secret works on an app configured SECRET=new, SECRET_PREVIOUS=old', async () => {
    t = await createTestContext({ env: { ...ADMIN_ENV, SECRET: NEW_SECRET, SECRET_PREVIOUS: ` other-retired-secret-other-retired-0003 , ${OLD_SECRET}` } });
    const reader = await addSubscriber(t.app, 'ann@example.com');
    const page = await t.app.request(oldLink(reader.id));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('ann@example.com');
    expect((await t.app.request(oldLink(reader.id), form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(200);
    expect(await status('ann@example.com')).toBe('unsubscribed');

    // New links are signed with the new secret only.
    const fresh = t.deps.tokens.sign('manage', reader.id, new Date(0));
    expect(createTokens(NEW_SECRET).verify('manage', fresh)).not.toBeNull();
    expect(createTokens(OLD_SECRET).verify('manage', fresh)).toBeNull();
  });

  it('the same link fails once the old secret is no longer listed', async () => {
    t = await createTestContext({ env: { ...ADMIN_ENV, SECRET: NEW_SECRET } });
    const reader = await addSubscriber(t.app, 'ann@example.com');
    expect((await t.app.request(oldLink(reader.id))).status).toBe(400);
    expect((await t.app.request(oldLink(reader.id), form({ 'List-Unsubscribe': 'One-Click' }))).status).toBe(400);
    expect(await status('ann@example.com')).toBe('active');
  });

  it('refuses a SECRET_PREVIOUS entry shorter than 32 characters, naming the variable', () => {
    expect(() => parseEnv({ SECRET_PREVIOUS: `${OLD_SECRET},short` })).toThrow(/SECRET_PREVIOUS: each secret must be at least 32 characters/);
  });
});
