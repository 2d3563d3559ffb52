/**
 * One labelled text input with its hint and, after a refused submission, its error: both tied
 * to the input by aria-describedby, so a screen reader announces them with the field.
 */
export function TextField(props: {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  type?: 'text' | 'email';
  inputmode?: 'url';
  autocomplete?: string;
  readonly?: boolean;
}) {
  const id = `field-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p id={hintId} class="muted hint">
          {props.hint}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? 'off'}
        spellcheck={props.type === 'email' || props.inputmode === 'url' ? false : undefined}
        readonly={props.readonly}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {props.error && (
        <p id={errorId} class="error">
          {props.error}
        </p>
      )}
    </div>
  );
}
