import type { z } from 'zod';
import { CreatePostInput, UpdatePostInput } from '../../../posts/post-input.js';
import type { Post } from '../../../posts/post.js';

/** The editor's fields as typed, so an invalid form comes back exactly as it was sent. */
export interface PostFormValues {
  title: string;
  /**
   * Posts have no subtitle column: the editor's "subtitle" is the post's `excerpt`, which is
   * what the web page, the archive, the feed and the mail's preheader already show under the title.
   */
  subtitle: string;
  slug: string;
  email_subject: string;
  author: string;
  /** Comma-separated. */
  tags: string;
  body: string;
}

const FIELDS = ['title', 'subtitle', 'slug', 'email_subject', 'author', 'tags', 'body'] as const;

const LABELS: Record<string, string> = {
  title: 'Title',
  excerpt: 'Subtitle',
  slug: 'Slug',
  email_subject: 'Email subject',
  author: 'Author',
  tags: 'Tags',
  body: 'Body',
};

export const EMPTY_FORM: PostFormValues = { title: '', subtitle: '', slug: '', email_subject: '', author: '', tags: '', body: '' };

export function formValuesOf(post: Post): PostFormValues {
  return {
    title: post.title,
    subtitle: post.excerpt ?? '',
    slug: post.slug,
    email_subject: post.email_subject ?? '',
    author: post.author ?? '',
    tags: post.tags.join(', '),
    body: post.body,
  };
}

/** The editor's fields from a posted form; anything missing or not text reads as empty. */
export function readPostForm(body: Record<string, unknown>): PostFormValues {
  const values = { ...EMPTY_FORM };
  for (const field of FIELDS) {
    const value = body[field];
    if (typeof value === 'string') values[field] = value;
  }
  return values;
}

type Parsed<T> = { ok: true; input: T } | { ok: false; message: string };

/**
 * The form as the input of the create or update verb, checked by the API's own schema. An empty
 * slug means "derive it from the title" on create and "keep it" on update.
 */
export function toCreateInput(values: PostFormValues): Parsed<CreatePostInput> {
  return check(CreatePostInput, toInput(values));
}

export function toUpdateInput(values: PostFormValues): Parsed<UpdatePostInput> {
  return check(UpdatePostInput, toInput(values));
}

function toInput(values: PostFormValues) {
  const slug = values.slug.trim();
  return {
    title: values.title,
    body: values.body,
    ...(slug ? { slug } : {}),
    excerpt: values.subtitle,
    author: values.author,
    email_subject: values.email_subject,
    tags: values.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
  };
}

function check<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, input: parsed.data };
  const message = parsed.error.issues
    .map((issue) => `${LABELS[String(issue.path[0])] ?? 'Form'}: ${issue.message}`)
    .join('; ');
  return { ok: false, message };
}
