/**
 * Registers `keybound portal` (run the User Portal) and `keybound admin` (administer it).
 * Actions import the server lazily so `keybound --help` stays fast.
 */
import type { Command } from 'commander';
import { registerAdminCommands } from './registerAdminCommands.js';
import { defaultPortalDb } from './runAdmin.js';

export const DEFAULT_PORTAL_PORT = 8080;

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`--port must be 0–65535, got "${value}"`);
  return n;
}

/** Registers `portal` and `admin`. */
export function registerPortalCommands(program: Command): void {
  program
    .command('portal')
    .description('Run the User Portal (identity provider and relying party) on 127.0.0.1')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', port, DEFAULT_PORTAL_PORT)
    .option(
      '--db <file|url>',
      'SQLite file, or postgres://… for a shared PostgreSQL (default: portal.sqlite in the data folder)',
    )
    .option('--issuer <url>', 'canonical origin / OIDC issuer (default: http://localhost:<port>)')
    .option('--rp-id <id>', 'WebAuthn RP ID (default: the issuer host, "localhost")')
    .option('--extension-dir <dir>', 'serve a packed extension (keybound extension pack --out) at /extension/')
    .option('--tpm-roots <file>', 'PEM bundle of TPM manufacturer certificates trusted for device attestation')
    .option(
      '--trust-proxy <list>',
      'load balancers whose X-Forwarded-For names the client: comma-separated addresses, CIDRs, "loopback", "uniquelocal"',
    )
    .action(
      async (opts: {
        port: number;
        db?: string;
        issuer?: string;
        rpId?: string;
        extensionDir?: string;
        tpmRoots?: string;
        trustProxy?: string;
      }) => {
        const { runPortal } = await import('./runPortal.js');
        await runPortal({
          port: opts.port,
          database: opts.db ?? defaultPortalDb(),
          ...(opts.issuer ? { issuer: opts.issuer } : {}),
          ...(opts.rpId ? { rpId: opts.rpId } : {}),
          ...(opts.extensionDir ? { extensionDir: opts.extensionDir } : {}),
          ...(opts.tpmRoots ? { tpmRoots: opts.tpmRoots } : {}),
          ...(opts.trustProxy
            ? {
                trustProxy: opts.trustProxy
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              }
            : {}),
        });
      },
    );
  registerAdminCommands(program);
}
