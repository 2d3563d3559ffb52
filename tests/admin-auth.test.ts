import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger, silentLogger } from '../src/log.js';
import { createNodeDeps } from '../src/runtime.js';
import { adminApi, ADMIN_ENV, ADMIN_KEY } from './helpers/posts-fixtures.js';
import { createTestContext, json, manualClock, type TestContext } from './helpers/test-app.js';
import { runCli } from './helpers/server-process.js';
import { withTestDatabase } from './helpers/test-database.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('admin authentication', () => {
  it('answers a missing, a wrong, a malformed and a revoked key with the same 401 JSON', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const created = await adminApi(t.app, 'POST', '/api/admin/keys', { name: 'soon revoked' });
    expect((await adminApi(t.app, 'DELETE', `/api/admin/keys/${created.body.id}`)).status).toBe(200);

    const attempts = [
      {},
      bearer('bs_wrong-key-wrong-key-wrong-key'),
      { authorization: ADMIN_KEY },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` },
      bearer(created.body.key),
    ];
    const answers = await Promise.all(attempts.map((headers) => t!.app.request('/api/admin/posts', { headers })));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="broadsheet-admin"');
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'unauthorized', message: 'A valid API key is required' } });
  });

  it('guards every admin route, writes included, and changes nothing for an unauthenticated caller', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const writes = [
      t.app.request('/api/admin/posts', json({ title: 'x', body: 'y' })),
      t.app.request('/api/admin/keys', json({ name: 'intruder' })),
      t.app.request('/api/admin/settings', { ...json({ name: 'Hacked' }), method: 'PATCH' }),
      t.app.request('/api/admin/posts/1', { method: 'DELETE' }),
    ];
    expect((await Promise.all(writes)).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(await t.deps.db.selectFrom('posts').selectAll().execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('accepts ADMIN_API_KEY as a bootstrap key, and nothing at all when it is unset and no key exists', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    expect((await adminApi(t.app, 'GET', '/api/admin/keys')).status).toBe(200);
    await t.close();
    t = await createTestContext();
    expect((await t.app.request('/api/admin/keys', { headers: bearer(ADMIN_KEY) })).status).toBe(401);
    expect((await t.app.request('/api/admin/keys', { headers: bearer('') })).status).toBe(401);
  });
});

describe('wrong admin keys', () => {
  const WRONG = bearer('bs_wrong-key-wrong-key-wrong-key');
  const from = (ip: string, headers: Record<string, string>) => ({ headers: { ...headers, 'x-forwarded-for': ip } });

  /** The test app over the same deps, with a logger whose lines the test reads. */
  async function loggedApp(clock = manualClock()) {
    t = await createTestContext({ env: ADMIN_ENV, clock });
    const lines: string[] = [];
    const app = createApp({ ...t.deps, logger: createLogger('info', (line) => lines.push(line)) });
    return { app, lines };
  }

  it('logs each failure with the IP (never the key) and refuses a client with 429 after 10 in a minute', async () => {
    const clock = manualClock();
    const { app, lines } = await loggedApp(clock);
    const answers: Response[] = [];
    for (let i = 0; i < 30; i++) answers.push(await app.request('/api/admin/posts', from('203.0.113.9', WRONG)));
    expect(answers.map((r) => r.status)).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]);
    const limited = answers[29]!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    // Refused without checking: even the right key from that client gets 429 now.
    expect((await app.request('/api/admin/posts', from('203.0.113.9', bearer(ADMIN_KEY)))).status).toBe(429);
    // Another client is unaffected, wrong or right.
    expect((await app.request('/api/admin/posts', from('198.51.100.4', bearer(ADMIN_KEY)))).status).toBe(200);
    expect((await app.request('/api/admin/posts', from('198.51.100.4', WRONG))).status).toBe(401);

    const failures = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'admin.auth_failed');
    expect(failures).toHaveLength(11);
    expect(failures[0]).toMatchObject({ level: 'warn', ip: '203.0.113.9', method: 'GET', path: '/api/admin/posts' });
    expect(failures[9]).toMatchObject({ ip: '203.0.113.9', refused_for_s: 60 });
    expect(lines.join('')).not.toContain('wrong-key');
    expect(lines.join('')).not.toContain(ADMIN_KEY);

    // The budget comes back after the window.
    clock.advance(60_000);
    expect((await app.request('/api/admin/posts', from('203.0.113.9', bearer(ADMIN_KEY)))).status).toBe(200);
  });

  it('lets a parallel burst check no more than 10 keys, and shares the budget across an IPv6 /64', async () => {
    const { app } = await loggedApp();
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => app.request('/api/admin/posts', from(`2001:db8:5:6::${i + 1}`, WRONG))));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(20).fill(429)]);
    expect((await app.request('/api/admin/posts', from('2001:db8:5:6:ffff::1', bearer(ADMIN_KEY)))).status).toBe(429);
    expect((await app.request('/api/admin/posts', from('2001:db8:5:7::1', bearer(ADMIN_KEY)))).status).toBe(200);
  });
});

describe('/api/admin/keys', () => {
  it('creates a key shown once, lists keys without secrets, records last use, and revokes', async () => {
    const clock = manualClock();
    t = await createTestContext({ env: ADMIN_ENV, clock });
    const created = await adminApi(t.app, 'POST', '/api/admin/keys', { name: 'Newsroom bot' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 1, name: 'Newsroom bot', created_at: clock.now().toISOString(), last_used_at: null, revoked_at: null });
    const key: string = created.body.key;
    expect(key).toMatch(/^bs_[A-Za-z0-9_-]{32}$/);
    expect(created.body.prefix).toBe(key.slice(0, 10));

    // The key itself is stored only as a hash.
    const [row] = await t.deps.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(row)).not.toContain(key);

    clock.advance(5_000);
    expect((await t.app.request('/api/admin/posts', { headers: bearer(key) })).status).toBe(200);
    const firstUse = clock.now().toISOString();
    clock.advance(10_000);
    await t.app.request('/api/admin/posts', { headers: bearer(key) });
    let listed = await adminApi(t.app, 'GET', '/api/admin/keys');
    expect(listed.body.keys).toEqual([{ id: 1, name: 'Newsroom bot', prefix: key.slice(0, 10), created_at: created.body.created_at, last_used_at: firstUse, revoked_at: null }]);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    // Within a minute a use is not written again; after it, it is.
    clock.advance(120_000);
    await t.app.request('/api/admin/posts', { headers: bearer(key) });
    listed = await adminApi(t.app, 'GET', '/api/admin/keys');
    expect(listed.body.keys[0].last_used_at).toBe(clock.now().toISOString());

    const revoked = await adminApi(t.app, 'DELETE', '/api/admin/keys/1');
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toBe(clock.now().toISOString());
    expect((await t.app.request('/api/admin/posts', { headers: bearer(key) })).status).toBe(401);
  });

  it('refuses a blank name (400) and an unknown id (404)', async () => {
    t = await createTestContext({ env: ADMIN_ENV });
    const blank = await adminApi(t.app, 'POST', '/api/admin/keys', { name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.code).toBe('invalid');
    const unknown = await adminApi(t.app, 'DELETE', '/api/admin/keys/99');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await adminApi(t.app, 'GET', '/api/admin/keys')).body.keys).toEqual([]);
  });
});

describe('broadsheet keys (CLI)', () => {
  const cli = (dataDir: string, ...args: string[]) => runCli(['keys', ...args], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

  // Five CLI processes, each starting up and migrating: more than the default 30 s on a busy machine.
  it('creates, lists and revokes keys that the HTTP API then accepts or refuses', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'broadsheet-cli-'));
    try {
      const created = await cli(dataDir, 'create', 'Deploy', 'script');
      expect(created.code).toBe(0);
      expect(created.stdout).toContain('created key 1 "Deploy script"');
      const key = created.stdout.match(/^bs_\S+$/m)?.[0];
      expect(key).toBeDefined();

      const deps = await createNodeDeps(loadConfig(withTestDatabase({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' })), silentLogger);
      const app = createApp(deps);
      try {
        expect((await app.request('/api/admin/posts', { headers: bearer(key!) })).status).toBe(200);
        const listed = await cli(dataDir, 'list');
        expect(listed.code).toBe(0);
        expect(listed.stdout).toMatch(new RegExp(`^1\\t${key!.slice(0, 10)}…\\tDeploy script\\tcreated \\S+\\tlast used \\d{4}-`, 'm'));
        expect(listed.stdout).not.toContain(key);

        const revoked = await cli(dataDir, 'revoke', '1');
        expect(revoked.code).toBe(0);
        expect(revoked.stdout).toContain('revoked key 1 "Deploy script"');
        expect((await app.request('/api/admin/posts', { headers: bearer(key!) })).status).toBe(401);
        expect((await cli(dataDir, 'list')).stdout).toMatch(/\trevoked \d{4}-/);
      } finally {
        await deps.mailer.close();
        await deps.db.destroy();
      }

      const unknown = await cli(dataDir, 'revoke', '42');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No API key with id 42');
      const usage = await cli(dataDir, 'create');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('usage: broadsheet keys create NAME');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
