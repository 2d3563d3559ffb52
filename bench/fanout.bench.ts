/**
 * Fan-out: publish one post to N active subscribers (FANOUT_N, default 100 000) on the real
 * server (src/server.ts in a child process, worker included) and time the send until done,
 * against a local SMTP sink in its own process (bench/smtp-sink-process.ts). Baseline from the
 * same run, to the same sink: plain pooled nodemailer in another process (bench/raw-nodemailer.ts)
 * sending N copies of the very same mail (the product's test send of the post, captured at the
 * sink) with the same number of connections.
 *
 * Subscribers go in through the product's own CSV import endpoint on a first server process,
 * which is then stopped: the measured server is a second, fresh process on the same DATA_DIR, so
 * its peak RSS (VmHWM of the node process itself, not of tsx's wrapper) covers publish and send
 * only.
 *
 * Env: FANOUT_N (100000), FANOUT_CONCURRENCY (8, SEND_CONCURRENCY and the baseline's
 * maxConnections), FANOUT_BODY_BYTES (21000: the Markdown body; it makes a ~60 KB mail as
 * sent, a ~40 KB quoted-printable HTML part plus a ~25 KB text part; 50 KB of Markdown makes
 * ~125 KB), FANOUT_BASELINE_INFLIGHT (sendMail calls the baseline keeps in flight; default =
 * concurrency), FANOUT_PREBUILT (1: also time nodemailer sending the prebuilt raw message, the
 * transport's ceiling; 0 skips it), FANOUT_BASELINE (0: product run only, no baselines, no ratio),
 * FANOUT_NODE_OPTIONS (NODE_OPTIONS for the measured server, e.g. `--cpu-prof --cpu-prof-dir=DIR`
 * or `--max-semi-space-size=...`, to investigate),
 * FANOUT_SAVE_MESSAGE (a file: keep a copy of the mail as the sink received it).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionServerCommand, ROOT, startServer, type ServerProcess } from '../tests/helpers/server-process.js';
import { runRawNodemailer } from './helpers/children.js';
import { coreCount, machineCpuMs } from './helpers/cpu.js';
import { essay } from './helpers/essay.js';
import { note as noteFor, onCleanup, runBench } from './helpers/lifecycle.js';
import { procCpu, procCpuMs, procStatusMb as procStatus } from './helpers/proc.js';
import { startSinkProcess } from './helpers/sink-client.js';
import type { RawJob, RawResult } from './raw-nodemailer.js';
import type { SendSummary as SendView } from '../src/sending/send-summary.js';

const N = Number(process.env.FANOUT_N ?? 100_000);
const CONCURRENCY = Number(process.env.FANOUT_CONCURRENCY ?? 8);
const BODY_BYTES = Number(process.env.FANOUT_BODY_BYTES ?? 21_000);
const BASELINE_INFLIGHT = Number(process.env.FANOUT_BASELINE_INFLIGHT ?? CONCURRENCY);
const BASELINE = (process.env.FANOUT_BASELINE ?? '1') !== '0';
const PREBUILT = BASELINE && (process.env.FANOUT_PREBUILT ?? '1') !== '0';
const NODE_OPTIONS = process.env.FANOUT_NODE_OPTIONS;
const KEY = 'bench-admin-key-0123456789abcdef';
const CAPTURE_TO = 'editor@bench.example.com';
const auth = { authorization: `Bearer ${KEY}` };

const note = noteFor('fanout');
const round1 = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
/** A server process is stopped on the way out, and its whole process group killed if we exit first. */
function stopOnExit(server: ServerProcess, stop: () => Promise<unknown>): void {
  onCleanup(
    async () => void (await stop()),
    () => {
      try {
        process.kill(-server.child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  );
}

// ---------------------------------------------------------------------------------------------
// /proc readings of one process (Linux only; undefined elsewhere).
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * The node process that actually runs src/server.ts: the spawned process itself when it is
 * `node --import tsx src/server.ts`, or the child that the `tsx` CLI starts with its loader. Not
 * a child of the server (tsx's esbuild service is one): the deepest process naming src/server.ts.
 */
async function serverNodePid(spawnedPid: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    let found = spawnedPid;
    const walk = (pid: number) => {
      for (const kid of childrenOf(pid)) {
        if (/src\/server\.(ts|js)/.test(cmdline(kid))) found = kid;
        walk(kid);
      }
    };
    walk(spawnedPid);
    // Under the tsx CLI the real server is a child: wait for it rather than measure the wrapper.
    if (found !== spawnedPid || !/\/tsx(\.mjs)?\b|tsx\/dist\/cli/.test(cmdline(spawnedPid))) return found;
    await sleep(100);
  }
  return spawnedPid;
}

// ---------------------------------------------------------------------------------------------
async function api<T>(server: ServerProcess, method: string, path: string, body?: unknown, expect = [200, 201, 202]): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function importSubscribers(server: ServerProcess, n: number): Promise<number> {
  const lines = ['email,name'];
  for (let i = 0; i < n; i++) lines.push(`reader${i}@example${i % 50}.com,Reader ${i}`);
  const res = await fetch(`${server.url}/api/admin/subscribers/import`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: `${lines.join('\n')}\n`,
  });
  const body = (await res.json()) as { created?: number };
  if (res.status !== 200) throw new Error(`import: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.created ?? -1;
}


const runBaseline = (mode: RawJob['mode'], port: number, messageFile: string): Promise<RawResult> =>
  runRawNodemailer({ mode, port, n: N, maxConnections: CONCURRENCY, inflight: BASELINE_INFLIGHT, messageFile });

// ---------------------------------------------------------------------------------------------
runBench(async () => {
  const work = mkdtempSync(join(tmpdir(), 'broadsheet-bench-fanout-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }), () => rmSync(work, { recursive: true, force: true }));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const sink = await startSinkProcess({ captureTo: CAPTURE_TO });
  const serverEnv = {
    ADMIN_API_KEY: KEY,
    LOG_LEVEL: 'warn',
    SUBSCRIBE_RATE_LIMIT: '0',
    SMTP_URL: sink.url,
    SEND_CONCURRENCY: String(CONCURRENCY),
    SEND_RATE_PER_SECOND: '0',
  };

  // 1. The audience, through the product's import endpoint, on a server process of its own.
  let t = performance.now();
  const importer = await startServer({ env: serverEnv, dataDir });
  stopOnExit(importer, () => importer.stop('SIGKILL'));
  const created = await importSubscribers(importer, N);
  if (created !== N) throw new Error(`import created ${created} subscribers, expected ${N}`);
  await importer.stop();
  note(`imported ${N} subscribers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // 2. The measured server: a fresh process on that database, started as `npm start` starts it
  // (the built dist/, so run `npm run build` first; npm ci does it through `prepare`).
  const server = await startServer({
    env: { ...serverEnv, ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}) },
    dataDir,
    command: productionServerCommand(),
  });
  stopOnExit(server, () => server.stop('SIGTERM', 15_000));
  const nodePid = await serverNodePid(server.child.pid!);
  note(`measuring server process ${nodePid}: ${cmdline(nodePid)}`);
  const markdown = essay(BODY_BYTES);
  const post = await api<{ id: number }>(server, 'POST', '/api/admin/posts', {
    title: 'The harbour, the council and the winter ferry',
    body: markdown,
  });
  await sink.reset();
  const rssBeforePublish = procStatus(nodePid, 'VmRSS');
  const hwmBeforePublish = procStatus(nodePid, 'VmHWM');

  const cpu0 = { server: procCpuMs(nodePid), serverSplit: procCpu(nodePid), sink: procCpuMs(sink.pid), machine: machineCpuMs() };
  const publishStart = Date.now();
  t = performance.now();
  const published = await api<{ send: SendView }>(server, 'POST', `/api/admin/posts/${post.id}/publish`, {}, [202]);
  const publishMs = performance.now() - t;
  note(`published in ${publishMs.toFixed(0)} ms: send ${published.send.id}, total ${published.send.total}`);

  // 3. Follow the send until done; give up if it stops moving for a minute.
  let send = published.send;
  let lastProgress = Date.now();
  let lastDone = -1;
  let peakRssSampled = 0;
  let lastNote = Date.now();
  while (send.status !== 'done') {
    if (send.status === 'cancelled' || send.status === 'paused') throw new Error(`send ended up ${send.status}`);
    await sleep(200);
    send = await api<SendView>(server, 'GET', `/api/admin/sends/${send.id}`);
    peakRssSampled = Math.max(peakRssSampled, procStatus(nodePid, 'VmRSS') ?? 0);
    const done = send.sent + send.failed + send.skipped;
    if (done !== lastDone) {
      lastDone = done;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > 60_000) {
      throw new Error(`send stalled at ${JSON.stringify(send)}\n${server.output().slice(-3000)}`);
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      note(`${send.sent}/${send.total} sent, ${send.rate ?? 0} msgs/s, server RSS ${(procStatus(nodePid, 'VmRSS') ?? 0).toFixed(0)} MB`);
    }
  }
  const doneSeenAt = Date.now();
  const peakRss = procStatus(nodePid, 'VmHWM');
  const rssAtDone = procStatus(nodePid, 'VmRSS');
  const cpu1 = { server: procCpuMs(nodePid), serverSplit: procCpu(nodePid), sink: procCpuMs(sink.pid), machine: machineCpuMs() };
  const sinkStats = await sink.waitFor(N, 10_000);

  const sendSeconds = (Date.parse(send.finished_at!) - Date.parse(send.started_at!)) / 1000;
  const wallSeconds = (Math.max(Date.parse(send.finished_at!), publishStart) - publishStart) / 1000;
  const productRate = send.sent / sendSeconds;
  const perMessageUs = (a?: number, b?: number) => (a === undefined || b === undefined ? null : Math.round(((b - a) * 1000) / Math.max(1, send.sent)));
  const machineBusy =
    cpu0.machine && cpu1.machine ? Math.round(((cpu1.machine.busy - cpu0.machine.busy) / (cpu1.machine.total - cpu0.machine.total)) * 100) : null;
  const messageBytes = sinkStats.messages > 0 ? Math.round(sinkStats.bytes / sinkStats.messages) : 0;
  const sinkSpan = sinkStats.first_at && sinkStats.last_at ? (sinkStats.last_at - sinkStats.first_at) / 1000 : 0;

  const product = {
    bench: 'fanout',
    n: N,
    concurrency: CONCURRENCY,
    message_bytes: messageBytes,
    markdown_bytes: markdown.length,
    publish_ms: Math.round(publishMs),
    product_msgs_per_s: Math.round(productRate),
    product_send_s: round1(sendSeconds),
    product_wall_s: round1(wallSeconds),
    // started_at and finished_at are the server's; the poll that saw "done" came this much later.
    done_seen_after_s: round1((doneSeenAt - publishStart) / 1000),
    sent: send.sent,
    failed: send.failed,
    skipped: send.skipped,
    sink_messages: sinkStats.messages,
    sink_recipients: sinkStats.recipients,
    sink_msgs_per_s: sinkSpan > 0 ? Math.round(sinkStats.messages / sinkSpan) : null,
    peak_rss_mb: peakRss === undefined ? null : Math.round(peakRss),
    rss_at_done_mb: rssAtDone === undefined ? null : Math.round(rssAtDone),
    peak_rss_sampled_mb: Math.round(peakRssSampled),
    // The same process before publishing (started, post created): what the send itself adds.
    rss_before_publish_mb: rssBeforePublish === undefined ? null : Math.round(rssBeforePublish),
    peak_rss_before_publish_mb: hwmBeforePublish === undefined ? null : Math.round(hwmBeforePublish),
    server_cpu_us_per_msg: perMessageUs(cpu0.server, cpu1.server),
    // Kernel share of the server's CPU: on loopback, the sender's write() runs the TCP path too.
    server_cpu_sys_pct:
      cpu0.serverSplit && cpu1.serverSplit
        ? Math.round(
            ((cpu1.serverSplit.sys - cpu0.serverSplit.sys) * 100) /
              Math.max(1, cpu1.serverSplit.sys - cpu0.serverSplit.sys + cpu1.serverSplit.user - cpu0.serverSplit.user),
          )
        : null,
    sink_cpu_us_per_msg: perMessageUs(cpu0.sink, cpu1.sink),
    machine_busy_pct: machineBusy,
    cores: coreCount(),
    target: { publish_ms: 1000, peak_rss_mb: 200 },
    target_met: publishMs < 1000 && peakRss !== undefined && peakRss < 200 && send.sent === N && sinkStats.messages === N,
  };
  console.log(JSON.stringify(product));
  if (sinkStats.messages !== N || send.sent !== N) note(`WARNING: expected ${N} messages, the send says ${send.sent} sent and the sink got ${sinkStats.messages}`);

  // 4. The product's own mail, as one test copy: the baseline sends exactly this.
  await sink.reset();
  await api(server, 'POST', `/api/admin/posts/${post.id}/test`, { to: CAPTURE_TO });
  const captured = await sink.captured();
  if (!captured) throw new Error('the sink did not capture the test copy');
  const messageFile = join(work, 'message.eml');
  writeFileSync(messageFile, captured);
  if (process.env.FANOUT_SAVE_MESSAGE) writeFileSync(process.env.FANOUT_SAVE_MESSAGE, captured);
  await server.stop('SIGTERM', 15_000);

  // 5. Baseline: plain pooled nodemailer, same sink, same connections, same mail.
  if (!BASELINE) return;
  await sink.reset();
  const raw = await runBaseline('compose', sink.port, messageFile);
  const rawSink = await sink.waitFor(N, 10_000);
  console.log(
    JSON.stringify({
      bench: 'fanout-baseline',
      n: N,
      via: 'nodemailer pool, sendMail({from,to,subject,html,text,headers}) per reader',
      max_connections: CONCURRENCY,
      in_flight: BASELINE_INFLIGHT,
      message_bytes: rawSink.messages > 0 ? Math.round(rawSink.bytes / rawSink.messages) : 0,
      raw_nodemailer_msgs_per_s: raw.msgs_per_s,
      seconds: raw.seconds,
      sent: raw.sent,
      failed: raw.failed,
      sink_messages: rawSink.messages,
      cpu_us_per_msg: Math.round((raw.cpu_ms * 1000) / Math.max(1, raw.sent)),
      peak_rss_mb: raw.peak_rss_mb,
      ...(raw.first_error ? { first_error: raw.first_error } : {}),
    }),
  );

  let prebuilt: RawResult | undefined;
  if (PREBUILT) {
    await sink.reset();
    prebuilt = await runBaseline('prebuilt', sink.port, messageFile);
    const prebuiltSink = await sink.waitFor(N, 10_000);
    console.log(
      JSON.stringify({
        bench: 'fanout-baseline-prebuilt',
        n: N,
        via: 'nodemailer pool, sendMail({envelope, raw}) of one prebuilt message: the transport and sink ceiling',
        max_connections: CONCURRENCY,
        in_flight: BASELINE_INFLIGHT,
        msgs_per_s: prebuilt.msgs_per_s,
        seconds: prebuilt.seconds,
        sent: prebuilt.sent,
        sink_messages: prebuiltSink.messages,
        cpu_us_per_msg: Math.round((prebuilt.cpu_ms * 1000) / Math.max(1, prebuilt.sent)),
      }),
    );
  }

  const ratio = productRate / raw.msgs_per_s;
  console.log(
    JSON.stringify({
      bench: 'fanout-ratio',
      n: N,
      ratio: Number(ratio.toFixed(3)),
      ...(prebuilt ? { ratio_vs_prebuilt: Number((productRate / prebuilt.msgs_per_s).toFixed(3)) } : {}),
      target: { ratio: 0.8, peak_rss_mb: 200, publish_ms: 1000 },
      target_met: ratio >= 0.8 && product.target_met,
    }),
  );
});
