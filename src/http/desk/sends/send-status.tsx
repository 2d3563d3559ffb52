import type { SendStatus } from '../../../db/database.js';

// Colour only repeats the word, which is always shown.
const TONE: Record<SendStatus, string> = { queued: '', sending: '', paused: 'warn', done: 'ok', cancelled: 'muted', failed: 'error' };

/** A send's status as a badge. `data-field` lets the page's script update it in place. */
export function SendStatusBadge(props: { status: SendStatus; live?: boolean }) {
  return (
    <span class={`badge ${TONE[props.status]}`.trim()} data-field={props.live ? 'status' : undefined}>
      {props.status}
    </span>
  );
}
