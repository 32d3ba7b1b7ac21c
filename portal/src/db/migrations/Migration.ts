/** A versioned schema change. Core migrations are numbered 1–99; the OIDC part uses 100+. */
export interface Migration {
  /** Unique, increasing; applied in ascending order, each once. */
  version: number;
  /** Short snake_case name, recorded in `schema_migrations`. */
  name: string;
  /** SQL run with `db.exec` inside the migration's transaction. */
  sql: string;
}
