import type { Selectable } from 'kysely';
import type { PostsTable, PostStatus } from '../db/database.js';

/** A post as editors see it through the admin API. */
export interface Post {
  id: number;
  slug: string;
  title: string;
  excerpt: string | null;
  author: string | null;
  tags: string[];
  email_subject: string | null;
  /** The Markdown source, as the editor wrote it. */
  body: string;
  /** The sanitised HTML rendered from `body`: what the web page and the email show. */
  body_html: string;
  status: PostStatus;
  scheduled_at: string | null;
  published_at: string | null;
  send_on_publish: boolean;
  /** Why the worker has not published this scheduled post yet; null when nothing failed. */
  publish_error: string | null;
  created_at: string;
  updated_at: string;
}

/** A post in a list: everything but the (possibly long) body. */
export type PostListItem = Omit<Post, 'body' | 'body_html'>;

export type PostRow = Selectable<PostsTable>;

export function toPost(row: PostRow): Post {
  return {
    ...toPostListItem(row),
    body: row.body_markdown,
    body_html: row.body_html,
  };
}

export function toPostListItem(row: Omit<PostRow, 'body_markdown' | 'body_html' | 'summary'>): PostListItem {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    author: row.author,
    tags: JSON.parse(row.tags) as string[],
    email_subject: row.email_subject,
    status: row.status,
    scheduled_at: row.scheduled_at,
    published_at: row.published_at,
    send_on_publish: row.send_on_publish === 1,
    publish_error: row.publish_error,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** What readers see of a published post (web page, archive, feed). */
export interface PublicPost {
  id: number;
  slug: string;
  title: string;
  excerpt: string | null;
  author: string | null;
  tags: string[];
  body_html: string;
  /** The editor's excerpt, or else the opening of the body: what the archive and the feed show. */
  summary: string;
  published_at: string;
  updated_at: string;
}

export const PUBLIC_COLUMNS = ['id', 'slug', 'title', 'excerpt', 'author', 'tags', 'body_html', 'summary', 'published_at', 'updated_at'] as const;

export function toPublicPost(row: Pick<PostRow, (typeof PUBLIC_COLUMNS)[number]>): PublicPost {
  return {
    ...row,
    tags: JSON.parse(row.tags) as string[],
    summary: row.excerpt ?? row.summary,
    // Published posts always have published_at; updated_at stands in should a row ever lack it.
    published_at: row.published_at ?? row.updated_at,
  };
}
