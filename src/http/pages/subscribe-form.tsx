/**
 * The subscribe form used on /subscribe, under each post and in the embed snippet. It posts a
 * plain form (works without JavaScript) and carries a honeypot field that people never see.
 */
export function SubscribeForm(props: { action: string; source: string; email?: string; error?: string; inlineStyles?: boolean }) {
  const s = props.inlineStyles ? INLINE : undefined;
  return (
    <form class="stack" method="post" action={props.action} style={s?.form}>
      <div class="row" style={s?.row}>
        <input type="email" name="email" required maxlength={254} placeholder="Type your email…" aria-label="Email address" value={props.email} autocomplete="email" style={s?.input} />
        <button type="submit" style={s?.button}>Subscribe</button>
      </div>
      <input type="hidden" name="source" value={props.source} />
      <div class="hp" aria-hidden="true" style={s?.hp}>
        <label>
          Leave this empty <input type="text" name="website" tabindex={-1} autocomplete="off" />
        </label>
      </div>
      {props.error ? (
        <p class="error" role="alert" style={s?.error}>
          {props.error}
        </p>
      ) : null}
    </form>
  );
}

// The embed snippet lands on someone else's page, where our stylesheet is absent.
const INLINE = {
  form: 'display:flex;flex-direction:column;gap:8px;max-width:480px;font-family:inherit',
  row: 'display:flex;gap:8px;flex-wrap:wrap',
  input: 'flex:1 1 200px;padding:10px 12px;font:inherit;border:1px solid #d1d5db;border-radius:6px',
  button: 'padding:10px 16px;font:inherit;font-weight:bold;border:0;border-radius:6px;background:#111827;color:#fff;cursor:pointer',
  hp: 'position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden',
  error: 'color:#b91c1c',
};
