/**
 * The daemon's share of the page API round trips, measured without a browser: the same two
 * requests the extension's worker sends per sign-in (`status` for the user, then `signIn` with
 * the portal's origin and the registered credential), sent from the benchmark process over a
 * loopback WebSocket as a second install of the same extension id (pairing is pre-authorised).
 * The page API round trip minus this is what the browser side (page → content script → worker
 * and back) costs.
 */
import { randomBytes } from 'node:crypto';
import { connectPaired, type DaemonClient, newInstall } from '../../dev/daemonClient.js';
import { EXTENSION_ID } from '../../extension/src/extensionId.js';
import { type Summary, timeSequential } from '../lib/stats.js';

export interface DaemonAloneOptions {
  daemonUrl: string;
  portalOrigin: string;
  rpId: string;
  email: string;
  /** The extension's credential at the portal (the one the daemon holds). */
  credentialId: string;
  n: number;
}

export async function measureDaemonAlone(o: DaemonAloneOptions): Promise<{ status: Summary; signIn: Summary }> {
  const install = newInstall();
  const origin = `chrome-extension://${EXTENSION_ID}`;
  const clients: DaemonClient[] = [];
  try {
    // One connection per kind: each stays well inside the daemon's per-connection rate limit.
    clients.push(await connectPaired(o.daemonUrl, install, origin));
    clients.push(await connectPaired(o.daemonUrl, install, origin));
    const [forStatus, forSignIn] = clients as [DaemonClient, DaemonClient];
    const status = await timeSequential(
      async () => {
        const r = await forStatus.request('status', { rpId: o.rpId, userName: o.email });
        if (!r.ok) throw new Error(`status refused: ${r.error.code}`);
      },
      o.n,
      3,
    );
    const signIn = await timeSequential(
      async () => {
        const options = {
          challenge: randomBytes(32).toString('base64url'),
          rpId: o.rpId,
          timeout: 60_000,
          userVerification: 'required',
          allowCredentials: [{ id: o.credentialId, type: 'public-key' }],
        };
        const r = await forSignIn.request('signIn', { origin: o.portalOrigin, options });
        if (!r.ok) throw new Error(`signIn refused: ${r.error.code}: ${r.error.message}`);
      },
      o.n,
      3,
    );
    return { status, signIn };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
