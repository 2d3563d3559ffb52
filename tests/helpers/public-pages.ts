import type { Deps } from '../../src/deps.js';
import { memberLinks } from '../../src/subscriptions/member-links.js';
import { publishedPost } from './posts-fixtures.js';
import { addSubscriber } from './subscriber-fixtures.js';

interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** One public page as a reader reaches it: a link they open, or a form they post. */
export interface PublicPage {
  name: string;
  path: string;
  /** Form fields when the page is the answer to a form post. */
  form?: Record<string, string>;
  status: number;
  /**
   * Whether no cache may keep it: the pages of a reader's own links, and the subscribe answers
   * (the refusal shows the address typed).
   */
  noStore: boolean;
  /** Whether a publisher may frame it on their own site. */
  embeddable: boolean;
}

const BAD_TOKEN = 'zz.zz.AAAAAAAAAAAAAAAAAAAAAA';

/**
 * Seeds what the public pages need (a post, readers with real tokens) and lists every public
 * HTML page, each reached the way a reader reaches it. Each form post gets its own reader, so
 * the list can be visited in any order and more than once.
 */
export async function publicPages(app: Requester, deps: Pick<Deps, 'tokens' | 'clock'>): Promise<PublicPage[]> {
  const post = await publishedPost(app, { title: 'Morning at the harbour', body: 'The boats came in *early*.' });
  const reader = async (email: string, status = 'active') => (await addSubscriber(app, email, { status })).id as number;
  const confirmToken = async (email: string) => deps.tokens.sign('confirm', await reader(email, 'pending'), deps.clock.now());
  const manage = async (email: string) => memberLinks('', deps.tokens, await reader(email));
  const [confirmGet, confirmPost, unsubGet, unsubPost, prefsGet, prefsPost] = await Promise.all([
    confirmToken('confirm.get@example.com'),
    confirmToken('confirm.post@example.com'),
    manage('unsub.get@example.com'),
    manage('unsub.post@example.com'),
    manage('prefs.get@example.com'),
    manage('prefs.post@example.com'),
  ]);
  const page = (p: Omit<PublicPage, 'noStore' | 'embeddable'> & Partial<PublicPage>): PublicPage => ({ noStore: false, embeddable: false, ...p });
  return [
    page({ name: 'subscribe', path: '/subscribe', status: 200, embeddable: true }),
    page({ name: 'embed', path: '/embed', status: 200, embeddable: true }),
    page({ name: 'check your inbox', path: '/api/subscribe', form: { email: 'new.reader@example.com', website: '' }, status: 202, embeddable: true, noStore: true }),
    page({ name: 'subscribe refused', path: '/api/subscribe', form: { email: 'reader@localhost', website: '' }, status: 400, embeddable: true, noStore: true }),
    page({ name: 'confirm', path: `/confirm/${confirmGet}`, status: 200, noStore: true }),
    page({ name: 'confirm, bad token', path: `/confirm/${BAD_TOKEN}`, status: 400, noStore: true }),
    page({ name: 'confirmed', path: `/confirm/${confirmPost}`, form: {}, status: 200, noStore: true }),
    page({ name: 'unsubscribe', path: unsubGet.unsubscribe_url, status: 200, noStore: true }),
    page({ name: 'unsubscribe, bad token', path: `/unsubscribe/${BAD_TOKEN}`, status: 400, noStore: true }),
    page({ name: 'unsubscribed', path: unsubPost.unsubscribe_url, form: {}, status: 200, noStore: true }),
    page({ name: 'preferences', path: prefsGet.preferences_url, status: 200, noStore: true }),
    page({ name: 'preferences, bad token', path: `/preferences/${BAD_TOKEN}`, status: 400, noStore: true }),
    page({ name: 'preferences saved', path: prefsPost.preferences_url, form: { action: 'save', name: 'Pat' }, status: 200, noStore: true }),
    page({ name: 'archive', path: '/posts', status: 200 }),
    page({ name: 'post', path: `/posts/${post.slug}`, status: 200 }),
    page({ name: 'post not found', path: '/posts/no-such-post', status: 404 }),
    page({ name: 'not found', path: '/no-such-page', status: 404 }),
    page({ name: 'API docs', path: '/docs', status: 200 }),
  ];
}
