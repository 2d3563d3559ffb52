import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetD1 } from './d1-reset.js';
import { ADMIN, BASE, createPost, seedReaders, waitForSend } from './fixtures.js';
import { sink } from './sink.js';

beforeEach(async () => {
  await resetD1();
  await sink.clear();
});

describe('DKIM in workerd (signed with WebCrypto, judged by mailauth on the Node side)', () => {
  it('signs a post mail so that it verifies, with From oversigned and both List-Unsubscribe fields signed', async () => {
    await seedReaders(3, 'signed');
    const postId = await createPost('Signed issue');
    const published = await SELF.fetch(`${BASE}/api/admin/posts/${postId}/publish`, { method: 'POST', headers: ADMIN, body: '{}' });
    expect(published.status).toBe(202);
    const { send } = (await published.json()) as { send: { id: number } };
    expect(await waitForSend(send.id)).toMatchObject({ status: 'done', sent: 3 });
    await sink.waitFor((m) => m.length === 3);

    const verdicts = await sink.dkim();
    expect(verdicts).toHaveLength(3);
    for (const verdict of verdicts) {
      expect(verdict.results.map((r) => r.result), JSON.stringify(verdict)).toEqual(['pass']);
      // One From in the message, two in h=: the second signs the absence of any other From.
      expect(verdict.fromHeaders).toBe(1);
      expect(verdict.signedFields!.filter((f) => f === 'from')).toHaveLength(2);
      expect(verdict.signedFields).toEqual(expect.arrayContaining(['to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']));
    }
  });

  it('signs a confirmation so that it verifies', async () => {
    const res = await SELF.fetch(`${BASE}/api/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.20' },
      body: JSON.stringify({ email: 'confirm.me@example.org' }),
    });
    expect(res.status).toBe(202);
    const [confirmation] = await sink.waitFor((m) => m.length > 0);
    expect(confirmation!.subject).toMatch(/confirm/i);
    const [verdict] = await sink.dkim('confirm.me@example.org');
    expect(verdict!.results.map((r) => r.result), JSON.stringify(verdict)).toEqual(['pass']);
    expect(verdict!.signedFields!.filter((f) => f === 'from')).toHaveLength(2);
  });
});
