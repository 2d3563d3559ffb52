import type { Child } from 'hono/jsx';

/**
 * A wide table's scrolling box (375 px screens scroll the table, not the page). Focusable and
 * named, so keyboard users can scroll it and screen readers announce what it holds.
 */
export function TableRegion(props: { label: string; children: Child }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}
