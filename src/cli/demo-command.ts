import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from '../keys/api-keys.js';
import { startNodeServer, stopOnSignals } from '../node-server.js';
import type { Command } from './command.js';
import { describeSend, followSend } from './follow-send.js';

const READERS = 500;

const SAMPLE_POST = `Welcome to the first issue of **Allycaral**.

This post was written in Markdown, published through the admin API and mailed to every
active subscriber by Broadsheet's worker. Each copy carries its reader's own unsubscribe link,
both in the footer and in the \`List-Unsubscribe\` header that mailbox providers turn into a button.

## What happened just now

1. ${READERS} sample readers were imported from a CSV file.
2. This post was created as a draft, then published with \`{"send": true}\`.
3. The audience was snapshotted in one statement, the mail rendered once, and the worker
   delivered it, recording each outcome after sending.

> Nothing here needed a mail server: without \`SMTP_URL\`, messages land as \`.eml\` files.

Thanks for reading.`;

/**
 * `npm run demo`: starts Broadsheet with its defaults, seeds a publication, publishes a post to
 * sample readers, shows the send to the end, and tells a newcomer where to look.
 */
export const demoCommand: Command = {
  name: 'demo',
  usage: 'broadsheet demo [--exit]',
  summary: 'seed a sample publication, publish and mail a post, then keep serving (--exit: stop)',
  defaultLogLevel: 'warn',
  async run(args, ctx) {
    const deps = await ctx.deps();
    const server = await startNodeServer(deps);
    stopOnSignals(server.close, ctx.logger);
    const key = await createApiKey(deps, 'demo');
    const api = async (method: string, path: string, body?: string, type = 'application/json') => {
      const res = await server.app.request(path, {
        method,
        headers: { authorization: `Bearer ${key.key}`, ...(body === undefined ? {} : { 'content-type': type }) },
        ...(body === undefined ? {} : { body }),
      });
      const answer = (await res.json()) as any;
      if (res.status >= 400) throw new Error(`${method} ${path} failed: ${res.status} ${JSON.stringify(answer)}`);
      return answer;
    };

    const previous = await api('GET', '/api/admin/sends?limit=1');
    let sendId: number;
    let slug: string;
    if (previous.sends.length > 0) {
      ctx.out('This data directory already holds a demo; showing it again.');
      sendId = previous.sends[0].id;
      slug = (await api('GET', `/api/admin/posts/${previous.sends[0].post_id}`)).slug;
    } else {
      await api('PATCH', '/api/admin/settings', JSON.stringify({ name: 'Allycaral', postal_address: '1 Example Street, Springfield', sender_name: 'Allycaral' }));
      const csv = ['email,name', ...Array.from({ length: READERS }, (_, i) => `reader${i + 1}@example.com,Reader ${i + 1}`)].join('\n');
      const imported = await api('POST', '/api/admin/subscribers/import', csv, 'text/csv');
      ctx.out(`Imported ${imported.created} sample readers.`);
      const post = await api('POST', '/api/admin/posts', JSON.stringify({ title: 'Hello from Allycaral', excerpt: 'The first issue', body: SAMPLE_POST }));
      const published = await api('POST', `/api/admin/posts/${post.id}/publish`, JSON.stringify({ send: true }));
      ctx.out(`Published "${post.title}"; mailing it to ${published.send.total} readers:`);
      sendId = published.send.id;
      slug = post.slug;
    }
    const send = await followSend(deps, sendId, 100);
    ctx.out(describeSend(send));

    const outbox = join(ctx.config.dataDir, 'outbox');
    const files = ctx.config.smtpUrl ? [] : readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    ctx.out('');
    ctx.out(ctx.config.smtpUrl ? `Mail went to ${new URL(ctx.config.smtpUrl).host}.` : `Messages: ${files.length} .eml files in ${outbox}`);
    ctx.out(`Open:    ${server.url}/posts/${slug}   (the post on the web)`);
    ctx.out(`         ${server.url}/posts  ·  ${server.url}/feed.xml  ·  ${server.url}/subscribe  ·  ${server.url}/docs`);
    ctx.out(`Admin:   curl -H 'Authorization: Bearer ${key.key}' ${server.url}/api/admin/sends/${sendId}`);
    if (args.includes('--exit')) {
      await server.close();
      return;
    }
    ctx.out('Serving until Ctrl-C.');
    await new Promise(() => {});
  },
};
