import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1, testEnv } from './d1-reset.js';

beforeEach(resetD1);

describe('the Worker over local D1', () => {
  it('answers /health and queues a confirmation for a subscribe', async () => {
    expect((await SELF.fetch('https://news.example.com/health')).status).toBe(200);
    const res = await SELF.fetch('https://news.example.com/api/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.5' },
      body: JSON.stringify({ email: 'reader@example.org' }),
    });
    expect(res.status).toBe(202);
    const row = await testEnv.DB.prepare("SELECT s.status, q.kind FROM subscribers s JOIN mail_queue q ON q.subscriber_id = s.id WHERE s.email = 'reader@example.org'").first();
    expect(row).toEqual({ status: 'pending', kind: 'confirm' });
  });
});
