import { Hono, type Context } from 'hono';
import { POST_STATUSES, type PostStatus } from '../../../db/database.js';
import type { Deps } from '../../../deps.js';
import { DomainError, Unprocessable } from '../../../errors.js';
import { createPost } from '../../../posts/create-post.js';
import { getPost } from '../../../posts/get-post.js';
import { listPosts } from '../../../posts/list-posts.js';
import type { Post } from '../../../posts/post.js';
import { previewPost } from '../../../posts/preview-post.js';
import { publishPost } from '../../../posts/publish-post.js';
import { updatePost } from '../../../posts/update-post.js';
import { countAudience } from '../../../sending/count-audience.js';
import { previewPostMail } from '../../../sending/preview-mail.js';
import { sendTestEmail } from '../../../sending/test-send.js';
import { getSettings } from '../../../settings/settings.js';
import { renderHtml } from '../../pages/archive-format.js';
import { PostPage } from '../../pages/post-page.js';
import type { DeskEnv } from '../desk-env.js';
import { formErrorStatus } from './error-status.js';
import { PostEditorPage } from './post-editor-page.js';
import { formValuesOf, readPostForm, toCreateInput, toUpdateInput, EMPTY_FORM, type PostFormValues } from './post-form.js';
import { PostListPage } from './post-list-page.js';
import { postNotice } from './post-notices.js';
import { PublishConfirmPage } from './publish-confirm-page.js';
import { previewResponse } from './preview-policy.js';
import { fromLocalInput } from '../utc-time.js';

export const POSTS_PAGE_SIZE = 20;

type C = Context<DeskEnv>;

// The editor's script saves drafts in the background and wants a status, not a page.
const isAutosave = (c: C) => c.req.header('x-desk-autosave') === '1';

/** /admin/posts: the list, the editor with its previews, and testing, scheduling and publishing. */
export function postsRoutes(deps: Deps): Hono<DeskEnv> {
  const app = new Hono<DeskEnv>();

  const id = (c: C) => Number(c.req.param('id'));
  const page = (c: C) => ({ editor: c.get('editor'), csrf: c.get('csrf') });
  const editor = (c: C, post: Post | undefined, values: PostFormValues, extra: { error?: string; notice?: string; scheduleValue?: string } = {}) =>
    <PostEditorPage {...page(c)} post={post} values={values} {...extra} />;
  const refused = (c: C, post: Post | undefined, values: PostFormValues, error: unknown, extra: { scheduleValue?: string } = {}) => {
    const status = formErrorStatus(error);
    const message = (error as DomainError).message;
    if (isAutosave(c)) return c.text(message, status);
    return c.html(editor(c, post, values, { error: message, ...extra }), status);
  };

  app.get('/admin/posts', async (c) => {
    const requested = c.req.query('status');
    const status = POST_STATUSES.includes(requested as PostStatus) ? (requested as PostStatus) : undefined;
    const cursor = c.req.query('cursor') || undefined;
    try {
      const result = await listPosts(deps, { status, limit: POSTS_PAGE_SIZE, cursor });
      const older = result.next_cursor ? `/admin/posts?${new URLSearchParams({ ...(status ? { status } : {}), cursor: result.next_cursor })}` : null;
      return c.html(<PostListPage {...page(c)} posts={result.posts} status={status} olderUrl={older} />);
    } catch (error) {
      // A mangled cursor in a bookmarked link: say so and offer the first page.
      if (!(error instanceof DomainError) || error.code !== 'invalid') throw error;
      return c.html(<PostListPage {...page(c)} posts={[]} status={status} olderUrl={null} error={error.message} />, 400);
    }
  });

  app.get('/admin/posts/new', (c) => c.html(editor(c, undefined, EMPTY_FORM)));

  app.post('/admin/posts', async (c) => {
    const values = readPostForm(await c.req.parseBody());
    const parsed = toCreateInput(values);
    if (!parsed.ok) return c.html(editor(c, undefined, values, { error: parsed.message }), 422);
    try {
      const post = await createPost(deps, parsed.input);
      return c.redirect(`/admin/posts/${post.id}?done=created`, 303);
    } catch (error) {
      return refused(c, undefined, values, error);
    }
  });

  app.get('/admin/posts/:id{[0-9]+}', async (c) => {
    const post = await getPost(deps, id(c));
    return c.html(editor(c, post, formValuesOf(post), { notice: postNotice(c.req.query('done'), post, c.get('editor').email) }));
  });

  app.post('/admin/posts/:id{[0-9]+}', async (c) => {
    const post = await getPost(deps, id(c));
    const values = readPostForm(await c.req.parseBody());
    const parsed = toUpdateInput(values);
    if (!parsed.ok) return refused(c, post, values, new Unprocessable(parsed.message));
    try {
      await updatePost(deps, post.id, parsed.input);
    } catch (error) {
      return refused(c, post, values, error);
    }
    if (isAutosave(c)) return c.body(null, 204);
    return c.redirect(`/admin/posts/${post.id}?done=saved`, 303);
  });

  app.get('/admin/posts/:id{[0-9]+}/preview/email', async (c) => previewResponse(c, await previewPostMail(deps, id(c), c.get('editor').email)));

  app.get('/admin/posts/:id{[0-9]+}/preview/web', async (c) => {
    const [settings, post] = await Promise.all([getSettings(deps.db, deps.config), previewPost(deps, id(c))]);
    return previewResponse(c, await renderHtml(<PostPage publication={settings} post={post} />));
  });

  app.post('/admin/posts/:id{[0-9]+}/test', async (c) => {
    const post = await getPost(deps, id(c));
    try {
      await sendTestEmail(deps, post.id, c.get('editor').email);
    } catch (error) {
      return refused(c, post, formValuesOf(post), error);
    }
    return c.redirect(`/admin/posts/${post.id}?done=test-sent`, 303);
  });

  app.post('/admin/posts/:id{[0-9]+}/schedule', async (c) => {
    const post = await getPost(deps, id(c));
    const field = (await c.req.parseBody())['scheduled_at'];
    const value = typeof field === 'string' ? field : '';
    const at = fromLocalInput(value);
    const now = deps.clock.now().getTime();
    // publishPost publishes at once for a time already passed; from the schedule form that would
    // mail readers by surprise, so a past time is refused here instead.
    const problem = at === null ? 'Choose a date and time to publish at.' : Date.parse(at) <= now ? 'Choose a time in the future.' : undefined;
    if (problem) return refused(c, post, formValuesOf(post), new Unprocessable(problem), { scheduleValue: value });
    if (post.status === 'published') return c.redirect(`/admin/posts/${post.id}?done=already-published`, 303);
    try {
      await publishPost(deps, post.id, { scheduled_at: at!, send: true });
    } catch (error) {
      return refused(c, post, formValuesOf(post), error, { scheduleValue: value });
    }
    return c.redirect(`/admin/posts/${post.id}?done=scheduled`, 303);
  });

  app.post('/admin/posts/:id{[0-9]+}/publish', async (c) => {
    const post = await getPost(deps, id(c));
    // Checked first: publishing a post already on the web (perhaps without mail) must not mail it now.
    if (post.status === 'published') return c.redirect(`/admin/posts/${post.id}?done=already-published`, 303);
    const confirmed = (await c.req.parseBody())['confirm'] === 'yes';
    if (!confirmed) return c.html(<PublishConfirmPage {...page(c)} post={post} audience={await countAudience(deps)} />);
    try {
      const { send } = await publishPost(deps, post.id, { send: true });
      return c.redirect(send ? `/admin/sends/${send.id}` : `/admin/posts/${post.id}`, 303);
    } catch (error) {
      const status = formErrorStatus(error);
      return c.html(<PublishConfirmPage {...page(c)} post={post} audience={await countAudience(deps)} error={(error as DomainError).message} />, status);
    }
  });

  return app;
}
