import { BODY_MAX } from '../../../posts/post-input.js';
import type { Post } from '../../../posts/post.js';
import type { DeskEditor } from '../desk-env.js';
import { CsrfField, DeskPage } from '../desk-layout.js';
import type { PostFormValues } from './post-form.js';
import { formatUtc, TIME_ZONE_NOTE, toLocalInput } from '../utc-time.js';

export interface PostEditorProps {
  editor: DeskEditor;
  csrf: string;
  /** The saved post; absent while writing a new one. */
  post?: Post | undefined;
  /** What the fields show: the saved post, or what the editor sent when it was refused. */
  values: PostFormValues;
  error?: string | undefined;
  notice?: string | undefined;
  /** The schedule field as the editor sent it, when scheduling was refused. */
  scheduleValue?: string | undefined;
}

const Field = (props: { name: keyof PostFormValues; label: string; value: string; hint?: string; required?: boolean }) => (
  <div>
    <label for={`post-${props.name}`}>{props.label}</label>
    {props.hint ? (
      <p class="muted hint" id={`post-${props.name}-hint`}>
        {props.hint}
      </p>
    ) : null}
    <input
      type="text"
      id={`post-${props.name}`}
      name={props.name}
      value={props.value}
      required={props.required}
      aria-describedby={props.hint ? `post-${props.name}-hint` : undefined}
    />
  </div>
);

/** The editor of one post: its fields, its previews and what can be done with it. */
export function PostEditorPage(props: PostEditorProps) {
  const { post, values } = props;
  const title = post ? `Edit “${post.title}”` : 'New post';
  // Autosave only drafts: saving a published post changes the live page, a scheduled one what goes out.
  const autosave = post?.status === 'draft';
  return (
    <DeskPage title={title} section="posts" editor={props.editor} csrf={props.csrf}>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {post ? <PostState post={post} /> : null}
      <form method="post" action={post ? `/admin/posts/${post.id}` : '/admin/posts'} class="stack card post-editor" data-autosave={autosave ? '' : undefined}>
        <CsrfField token={props.csrf} />
        <Field name="title" label="Title" value={values.title} required />
        <Field name="subtitle" label="Subtitle" value={values.subtitle} hint="Shown under the title, in the archive and the feed, and as the email's preview text." />
        <Field
          name="slug"
          label="Slug"
          value={values.slug}
          hint={post?.status === 'published' ? 'Fixed now that the post is published: links to it are out.' : 'The post’s address: /posts/slug. Leave empty to make one from the title.'}
        />
        <Field name="email_subject" label="Email subject" value={values.email_subject} hint="Leave empty to use the title." />
        <Field name="author" label="Author" value={values.author} />
        <Field name="tags" label="Tags" value={values.tags} hint="Separated by commas." />
        <div>
          <label for="post-body">Body (Markdown)</label>
          {/* HTML drops one newline right after <textarea>: this one, so a body that starts with a blank line keeps it. */}
          <textarea id="post-body" name="body" required maxlength={BODY_MAX}>
            {`\n${values.body}`}
          </textarea>
        </div>
        <div class="actions">
          <button>{!post ? 'Create draft' : post.status === 'draft' ? 'Save draft' : 'Save changes'}</button>
          {autosave ? <span class="muted" data-autosave-status aria-live="polite"></span> : null}
        </div>
      </form>
      {post ? <Previews post={post} /> : null}
      {post && post.status !== 'published' ? <PostActions post={post} csrf={props.csrf} editor={props.editor} scheduleValue={props.scheduleValue} /> : null}
    </DeskPage>
  );
}

function PostState(props: { post: Post }) {
  const { post } = props;
  return (
    <p>
      <span class={`badge status-${post.status}`}>{post.status === 'draft' ? 'Draft' : post.status === 'scheduled' ? 'Scheduled' : 'Published'}</span>{' '}
      {post.status === 'scheduled' && post.scheduled_at ? `Publishes ${formatUtc(post.scheduled_at)}.` : null}
      {post.status === 'published' ? <a href={`/posts/${encodeURIComponent(post.slug)}`}>View on the web</a> : null}
      {post.publish_error ? <span class="error"> Not published yet: {post.publish_error}</span> : null}
    </p>
  );
}

function Previews(props: { post: Post }) {
  const base = `/admin/posts/${props.post.id}/preview`;
  // sandbox: no script, form or navigation of the desk from the previewed content.
  return (
    <section aria-labelledby="previews">
      <h2 id="previews">Preview</h2>
      <p class="muted">The last saved version, as readers will get it. Links in the email point nowhere personal.</p>
      <div class="previews">
        <figure>
          <figcaption>Email on a phone</figcaption>
          <iframe class="preview preview-phone" src={`${base}/email`} title="Email preview at phone width" sandbox="" data-preview></iframe>
        </figure>
        <figure>
          <figcaption>Email on a desktop</figcaption>
          <iframe class="preview preview-desktop" src={`${base}/email`} title="Email preview at desktop width" sandbox="" data-preview></iframe>
        </figure>
        <figure class="preview-web-figure">
          <figcaption>Web page</figcaption>
          <iframe class="preview preview-web" src={`${base}/web`} title="Web page preview" sandbox="" data-preview></iframe>
        </figure>
      </div>
    </section>
  );
}

function PostActions(props: { post: Post; csrf: string; editor: DeskEditor; scheduleValue?: string | undefined }) {
  const { post } = props;
  const base = `/admin/posts/${post.id}`;
  return (
    <section aria-labelledby="publishing">
      <h2 id="publishing">Test and publish</h2>
      <div class="grid">
        <form method="post" action={`${base}/test`} class="stack card">
          <h3>Send me a test</h3>
          <CsrfField token={props.csrf} />
          <p class="muted">One copy of the saved version, to {props.editor.email}.</p>
          <div>
            <button class="secondary">Send me a test</button>
          </div>
        </form>
        <form method="post" action={`${base}/schedule`} class="stack card">
          <h3>Schedule</h3>
          <CsrfField token={props.csrf} />
          <div>
            <label for="scheduled-at">Publish and send at</label>
            <p class="muted hint" id="scheduled-at-hint">
              {TIME_ZONE_NOTE}
            </p>
            <input
              type="datetime-local"
              id="scheduled-at"
              name="scheduled_at"
              required
              aria-describedby="scheduled-at-hint"
              value={props.scheduleValue ?? (post.scheduled_at ? toLocalInput(post.scheduled_at) : '')}
            />
          </div>
          <div>
            <button class="secondary">{post.status === 'scheduled' ? 'Reschedule' : 'Schedule'}</button>
          </div>
        </form>
        <form method="post" action={`${base}/publish`} class="stack card">
          <h3>Publish now</h3>
          <CsrfField token={props.csrf} />
          <p class="muted">Puts the post on the web and mails it to your readers. You will confirm on the next page.</p>
          <div>
            <button>Publish…</button>
          </div>
        </form>
      </div>
    </section>
  );
}
