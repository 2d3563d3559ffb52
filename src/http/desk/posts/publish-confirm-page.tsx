import type { Post } from '../../../posts/post.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';

const readers = (n: number) => `${n} ${n === 1 ? 'reader' : 'readers'}`;

/** The step before publishing: who will get the mail, and one button that says so. */
export function PublishConfirmPage(props: { editor: DeskEditor; csrf: string; post: Post; audience: number; error?: string | undefined }) {
  const { post, audience } = props;
  return (
    <DeskPage title={`Publish “${post.title}”?`} section="posts" editor={props.editor} csrf={props.csrf}>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="card stack">
        <p>
          The post goes on the web at <code>/posts/{post.slug}</code> and is mailed to <strong>{readers(audience)}</strong>: every active subscriber who
          is not on the suppression list. A mailing cannot be taken back.
        </p>
        <form method="post" action={`/admin/posts/${post.id}/publish`} class="actions">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <button>Publish and send to {readers(audience)}</button>
          <a class="button secondary" href={`/admin/posts/${post.id}`}>
            Back to the editor
          </a>
        </form>
      </div>
    </DeskPage>
  );
}
