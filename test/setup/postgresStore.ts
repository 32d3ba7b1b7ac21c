/**
 * Global setup of the `postgres` test project: one throwaway PostgreSQL cluster for the whole run
 * (initdb costs seconds; a database per test costs milliseconds), its admin URL handed to the
 * tests as `inject('postgresAdminUrl')`, and the cluster stopped (by PID) and removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { postgresMissing, startPostgresCluster } from '../../dev/postgresCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://…/postgres` of the run's cluster; empty when PostgreSQL is missing (local only). */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = postgresMissing();
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`CI must run the PostgreSQL tests: ${missing}`);
    project.provide('postgresAdminUrl', '');
    return async () => undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresAdminUrl', cluster.url('postgres'));
  return () => cluster.destroy();
}
