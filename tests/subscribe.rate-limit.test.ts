import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createTestContext, json, type TestContext } from './helpers/test-app.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let n = 0;
const subscribeFrom = (ip: string) => t!.app.request('/api/subscribe', json({ email: `r${n++}@example.com` }, { 'x-forwarded-for': ip }));
const statusesFrom = async (ips: string[]) => {
  const out: number[] = [];
  for (const ip of ips) out.push((await subscribeFrom(ip)).status);
  return out;
};

describe('subscribe rate limit keys', () => {
  it('gives one IPv6 /64 one budget, whatever addresses inside it are used', async () => {
    t = await createTestContext({ env: { SUBSCRIBE_RATE_LIMIT: '3/1m' } });
    const sameSlash64 = ['2001:db8:1:2::1', '2001:DB8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:0:0:0:7', '2001:db8:1:2:abcd::9', '[2001:db8:1:2::5]'];
    expect(await statusesFrom(sameSlash64)).toEqual([202, 202, 202, 429, 429]);
    // The neighbouring /64 and an address spelled with an embedded IPv4 tail in another /64 have their own.
    expect(await statusesFrom(['2001:db8:1:3::1', '2001:db8:1:4::198.51.100.1'])).toEqual([202, 202]);
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    t = await createTestContext({ env: { SUBSCRIBE_RATE_LIMIT: '3/1m' } });
    expect(await statusesFrom(['::ffff:198.51.100.7', '198.51.100.7', '::FFFF:c633:6407', '198.51.100.7', '::ffff:198.51.100.7'])).toEqual([202, 202, 202, 429, 429]);
    expect(await statusesFrom(['198.51.100.8'])).toEqual([202]);
  });

  it('keys the socket address the same way when no proxy is trusted', async () => {
    t = await createTestContext({ env: { SUBSCRIBE_RATE_LIMIT: '2/1m', TRUST_PROXY: 'false' } });
    const app = createApp(t.deps, { remoteAddress: (c) => c.req.header('x-test-peer') });
    const from = async (peer: string) => (await app.request('/api/subscribe', json({ email: `p${n++}@example.com` }, { 'x-test-peer': peer }))).status;
    expect([await from('2001:db8:9:9::1'), await from('2001:db8:9:9::2'), await from('2001:db8:9:9:1:2:3:4')]).toEqual([202, 202, 429]);
    expect(await from('2001:db8:9:a::1')).toBe(202);
  });
});
