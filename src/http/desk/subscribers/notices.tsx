/**
 * What a redirect after a successful POST says, by a fixed code in `?done=`: the notice never
 * echoes anything from the request, so a crafted link cannot put words on the editor's screen.
 */
const NOTICES: Record<string, string> = {
  created: 'The reader was added.',
  'created-pending': 'The reader was added as pending; a confirmation mail is on its way.',
  saved: 'Your changes were saved.',
  erased: 'The reader was erased.',
  suppressed: 'Added to the suppression list.',
  'already-suppressed': 'That was already on the suppression list.',
  unsuppressed: 'Removed from the suppression list: mail may go there again.',
};

export function DoneNotice(props: { done: string | undefined }) {
  const message = props.done === undefined ? undefined : NOTICES[props.done];
  return message ? (
    <p class="notice ok" role="status">
      {message}
    </p>
  ) : null;
}

/** A form's error, announced when the page re-renders with it. */
export function ErrorNotice(props: { error: string | undefined }) {
  return props.error ? (
    <p class="notice error" role="alert">
      {props.error}
    </p>
  ) : null;
}
