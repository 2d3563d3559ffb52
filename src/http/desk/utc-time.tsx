/**
 * The desk shows and takes times in UTC, the zone they are stored in: an editor's browser zone
 * is unknown without script, and a time that silently meant another zone would mail at the
 * wrong hour. Every form says so next to the field.
 */
export const TIME_ZONE_NOTE = 'Times are in UTC (Coordinated Universal Time).';

/** "2026-11-24 09:00 UTC" */
export const formatUtc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** A stored instant as editors read it, machine-readable in `datetime`; a dash when there is none. */
export const UtcTime = (props: { at: string | null }) => (props.at ? <time datetime={props.at}>{formatUtc(props.at)}</time> : <span class="muted">—</span>);

/** The value of a datetime-local field showing `iso` in UTC. */
export const toLocalInput = (iso: string) => iso.slice(0, 16);

/** A datetime-local value ("2026-11-24T09:00", seconds optional) read as UTC; null if it is not one. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(`${value.length === 16 ? `${value}:00` : value}.000Z`);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
