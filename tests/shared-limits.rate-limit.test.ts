import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Deps } from '../src/deps.js';
import { silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { createTestContext, json, manualClock, type TestContext } from './helpers/test-app.js';

// Two instances behind a load balancer: two deps (own connections, own group commit) and two
// apps over ONE database — the same SQLite file, or the same PostgreSQL schema.
let t: TestContext | undefined;
let other: Deps | undefined;
afterEach(async () => {
  await other?.db.destroy();
  await t?.close();
  t = other = undefined;
});

async function twoInstances(limit: string, clock = manualClock()) {
  t = await createTestContext({ env: { SUBSCRIBE_RATE_LIMIT: limit }, clock });
  other = await createNodeDeps(t.config, silentLogger, { clock, renderer: t.deps.renderer, markdown: t.deps.markdown, mailer: t.deps.mailer });
  return { apps: [t.app, createApp(other)], clock };
}

let n = 0;
const subscribe = (app: ReturnType<typeof createApp>, ip: string) => app.request('/api/subscribe', json({ email: `shared${n++}@example.com` }, { 'x-forwarded-for': ip }));

describe('subscribe rate limit across instances on one database', () => {
  it('holds for the pair when one client alternates between them, with 429 and Retry-After', async () => {
    const { apps, clock } = await twoInstances('3/1m');
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await subscribe(apps[i % 2]!, '198.51.100.20'));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 429, 429, 429]);
    for (const limited of responses.slice(3)) expect(Number(limited.headers.get('retry-after'))).toBe(60);

    clock.advance(45_000);
    const later = await subscribe(apps[1]!, '198.51.100.20');
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBe(15);
    // Another client has its own budget on either instance.
    expect((await subscribe(apps[1]!, '198.51.100.21')).status).toBe(202);

    // A new window opens for the same client on both instances once the old one is over.
    clock.advance(15_000);
    expect([(await subscribe(apps[0]!, '198.51.100.20')).status, (await subscribe(apps[1]!, '198.51.100.20')).status]).toEqual([202, 202]);
  });

  it('lets exactly the budget through when both instances are hit at once', async () => {
    const { apps } = await twoInstances('5/1m');
    const statuses = (await Promise.all(Array.from({ length: 24 }, (_, i) => subscribe(apps[i % 2]!, '203.0.113.9')))).map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(19);
  });

  it('sweeps windows that are over, so the table holds only clients seen lately', async () => {
    const { apps, clock } = await twoInstances('3/1m');
    for (let i = 0; i < 5; i++) await subscribe(apps[0]!, `192.0.2.${i}`);
    const keys = async () => (await t!.deps.db.selectFrom('rate_limit_windows').select('key').orderBy('key').execute()).map((r) => r.key);
    const before = await keys();
    expect(before).toHaveLength(5);
    // Client addresses are personal data: only a keyed hash of each is kept.
    expect(before.join(' ')).not.toContain('192.0.2');
    clock.advance(60_000);
    await subscribe(apps[0]!, '192.0.2.9');
    const after = await keys();
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
  });
});
