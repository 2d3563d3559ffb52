/** A stored ISO timestamp as editors read it (UTC, to the minute), machine-readable in `datetime`. */
export function SendTime(props: { at: string | null }) {
  if (!props.at) return <span class="muted">—</span>;
  return <time datetime={props.at}>{`${props.at.slice(0, 10)} ${props.at.slice(11, 16)} UTC`}</time>;
}
