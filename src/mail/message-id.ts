import { sql, type RawBuilder } from 'kysely';
import type { Db, MailKind } from '../db/database.js';

/**
 * What makes our Message-IDs unique worldwide: this installation's random id (made once by
 * migration 0006) and the domain we send from. Ids are built only from stored values, so every
 * retry of one delivery carries the same Message-ID.
 */
export interface MessageIdScope {
  installId: string;
  domain: string;
}

/** The install id; read once per send or per worker, it never changes. */
export async function loadInstallId(db: Db): Promise<string> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'install_id').executeTakeFirstOrThrow();
  return row.value;
}

/** `<send.delivery.install@domain>` for one reader's copy of a mailing. */
export function mailingMessageId(scope: MessageIdScope, sendId: number, deliveryId: number): string {
  return `<${sendId}.${deliveryId}.${scope.installId}@${scope.domain}>`;
}

/** The same id in SQL, over the `id` column of `deliveries`: one UPDATE records a whole batch. */
export function mailingMessageIdSql(scope: MessageIdScope, sendId: number): RawBuilder<string> {
  return sql<string>`'<' || ${String(sendId)} || '.' || ${sql.ref('id')} || '.' || ${scope.installId} || '@' || ${scope.domain} || '>'`;
}

/** `<kind-job.install@domain>` for a confirmation or welcome. */
export function transactionalMessageId(scope: MessageIdScope, kind: MailKind, jobId: number): string {
  return `<${kind}-${jobId}.${scope.installId}@${scope.domain}>`;
}

/** `<test-random.install@domain>` for an editor's test copy, which belongs to no send. */
export function testMessageId(scope: MessageIdScope): string {
  return `<test-${crypto.randomUUID()}.${scope.installId}@${scope.domain}>`;
}

/** `<editor-random.install@domain>` for a set-password or reset link mailed to an editor. */
export function editorMessageId(scope: MessageIdScope): string {
  return `<editor-${crypto.randomUUID()}.${scope.installId}@${scope.domain}>`;
}
