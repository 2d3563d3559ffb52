import type { Deps } from '../deps.js';
import { createSendTask } from '../sending/deliver-sends.js';
import { webhookEventPruner } from '../webhooks/prune-webhook-events.js';
import { createMailQueueTask } from './mail-queue.js';
import { publishScheduledPosts } from './publish-scheduled.js';
import type { Task } from './worker-loop.js';

/** Every kind of background work the worker runs each pass. */
export function workerTasks(deps: Deps): Record<string, Task> {
  return {
    mail: createMailQueueTask(deps),
    scheduled: () => publishScheduledPosts(deps),
    sends: createSendTask(deps),
    pruneWebhookEvents: webhookEventPruner(deps),
  };
}
