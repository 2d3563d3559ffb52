// Constraint violations as SQLite (better-sqlite3 codes, D1 messages) and PostgreSQL report them,
// so a race or a reference the database guards becomes a 409 instead of a 500.

function matches(error: unknown, codes: string[], message: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return codes.includes(e?.code as string) || (typeof e?.message === 'string' && e.message.includes(message));
}

export const isUniqueViolation = (error: unknown) => matches(error, ['SQLITE_CONSTRAINT_UNIQUE', '23505'], 'UNIQUE constraint failed');

export const isForeignKeyViolation = (error: unknown) => matches(error, ['SQLITE_CONSTRAINT_FOREIGNKEY', '23503'], 'FOREIGN KEY constraint failed');
