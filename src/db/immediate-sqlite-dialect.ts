import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect, except that transactions begin IMMEDIATE: they take the write lock
 * first, waiting for it under `busy_timeout`. With a plain BEGIN a transaction starts as a
 * reader, and when it then writes while another process (`broadsheet import`, a second worker)
 * has written meanwhile, SQLite cannot upgrade it and answers SQLITE_BUSY at once, without
 * waiting: a quarter of live subscribes failed that way during an import. Our transactions
 * exist to write, so taking the lock up front costs nothing.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
