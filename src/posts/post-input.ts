import { z } from 'zod';
import { singleLine } from '../text-input.js';

/** Largest Markdown body accepted (characters); a long essay is ~100k. */
export const BODY_MAX = 500_000;

const body = z
  .string()
  .max(BODY_MAX)
  .refine((s) => s.trim() !== '', 'must not be empty');
const title = singleLine(300).min(1);
/** Optional one-line text: "" and null both clear it. */
const optionalLine = (max: number) => singleLine(max).nullable().optional();
const isoTime = z.iso.datetime({ offset: true });

/** What an editor sends to create a post. Unknown fields are refused so typos do not pass silently. */
export const CreatePostInput = z
  .object({
    title,
    body: body.describe('Markdown; raw HTML inside it is sanitised'),
    slug: z.string().max(200).optional().describe('Defaults to one derived from the title'),
    excerpt: optionalLine(1000),
    author: optionalLine(100),
    tags: z.array(singleLine(50).min(1)).max(20).optional(),
    email_subject: optionalLine(300).describe('Subject of the mailing when it should differ from the title'),
    scheduled_at: isoTime.nullable().optional().describe('A future time: the post is scheduled and published then'),
    send_on_publish: z.boolean().optional().describe('Whether publishing at scheduled_at also mails the post (default true)'),
  })
  .strict();
export type CreatePostInput = z.infer<typeof CreatePostInput>;

/** Any subset of the create fields; `scheduled_at: null` takes a scheduled post back to draft. */
export const UpdatePostInput = CreatePostInput.partial().strict();
export type UpdatePostInput = z.infer<typeof UpdatePostInput>;

export const PublishInput = z
  .object({
    send: z.boolean().default(true).describe('Also mail the post to every active subscriber'),
    scheduled_at: isoTime.nullable().optional().describe('A future time schedules the post instead of publishing it now'),
  })
  .strict();
export type PublishInput = z.input<typeof PublishInput>;
