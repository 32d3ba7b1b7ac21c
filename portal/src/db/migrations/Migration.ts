/** A versioned schema change. Core migrations are numbered 1–99; the OIDC part uses 100+. */
export interface Migration {
  /** Unique, increasing; applied in ascending order, each once. */
  version: number;
  /** Short snake_case name, recorded in `schema_migrations`. */
  name: string;
  /**
   * SQL run as one script inside the migration's transaction, written for SQLite; PostgreSQL gets
   * it through `toPostgresSchema` (INTEGER → BIGINT, BLOB → BYTEA, AUTOINCREMENT → identity).
   */
  sql: string;
  /** The PostgreSQL script, when the translation above is not enough. */
  postgres?: string;
}
