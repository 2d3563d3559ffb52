import type { D1Like } from '../db/d1-dialect.js';
import type { AssetFetcher } from '../http/docs-assets-fetcher.js';

/** What the Queue binding offers a producer (the subset we use). */
export interface QueueProducer<T> {
  send(message: T): Promise<void>;
}

/** The one kind of queue message: "there may be work"; D1 holds what the work is. */
export interface WorkMessage {
  kind: 'work';
}

/**
 * The Worker's bindings, as wrangler.toml declares them. Vars and secrets (PUBLIC_URL, SECRET,
 * SMTP_URL, …) arrive as string properties under the same names as Node's environment.
 */
export interface WorkerBindings {
  DB: D1Like;
  DELIVERY_QUEUE: QueueProducer<WorkMessage>;
  ASSETS?: AssetFetcher;
  [name: string]: unknown;
}

/** The string-valued bindings: what the configuration reads. */
export function bindingVars(env: WorkerBindings): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
