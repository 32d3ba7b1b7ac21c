/**
 * The actions behind `keybound extension pack|policy`: each prints one line per thing it did and
 * returns the exit code (1 with `error <code>: <message>` for a typed failure).
 */
import { KeyboundError } from '../../../shared/errors.js';
import { buildChromeExtension } from '../pack/buildChromeExtension.js';
import { packExtension } from '../pack/packExtension.js';
import { parseBaseUrl } from '../pack/parseBaseUrl.js';
import { buildExtensionPolicy } from '../policy/buildExtensionPolicy.js';
import { writePolicyFiles } from '../policy/writePolicyFiles.js';

type Out = (text: string) => void;
const stdout: Out = (t) => process.stdout.write(t);
const stderr: Out = (t) => process.stderr.write(t);

export async function runPack(
  o: { key: string; out: string; baseUrl: string; from?: string; newKey?: boolean },
  out: Out = stdout,
  err: Out = stderr,
): Promise<number> {
  try {
    const extensionDir = o.from ?? (await buildChromeExtension());
    if (!o.from) out(`built     ${extensionDir}\n`);
    const r = await packExtension({
      extensionDir,
      keyFile: o.key,
      outDir: o.out,
      baseUrl: o.baseUrl,
      newKey: o.newKey ?? false,
    });
    if (r.keyCreated) out(`created   signing key ${o.key} (mode 0600; keep it: it decides the extension id)\n`);
    out(`packed    ${r.crxPath} (version ${r.version})\n`);
    out(`wrote     ${r.updateManifestPath}\n`);
    out(`id        ${r.extensionId}\n`);
    out(`update    ${r.updateUrl}\n`);
    return 0;
  } catch (e) {
    return fail(e, err);
  }
}

export async function runPolicy(
  o: {
    id: string;
    updateUrl: string;
    out: string;
    portalOrigin?: string[];
    ssoLoginOrigin?: string[];
    daemonPort?: number;
    pairingPreauthorized?: boolean;
    organisation: string;
  },
  out: Out = stdout,
  err: Out = stderr,
): Promise<number> {
  try {
    const policy = buildExtensionPolicy({
      extensionId: o.id,
      updateUrl: parseBaseUrl(o.updateUrl),
      managed: {
        ...(o.portalOrigin ? { portalOrigins: o.portalOrigin } : {}),
        ...(o.ssoLoginOrigin ? { ssoLoginOrigins: o.ssoLoginOrigin } : {}),
        ...(o.daemonPort !== undefined ? { daemonPort: o.daemonPort } : {}),
        ...(o.pairingPreauthorized ? { pairingPreauthorized: true } : {}),
      },
    });
    for (const file of await writePolicyFiles(o.out, policy, { organisation: o.organisation }))
      out(`wrote     ${file}\n`);
    return 0;
  } catch (e) {
    return fail(e, err);
  }
}

function fail(e: unknown, err: Out): number {
  if (e instanceof KeyboundError) {
    err(`error ${e.code}: ${e.message}\n`);
    return 1;
  }
  throw e;
}
