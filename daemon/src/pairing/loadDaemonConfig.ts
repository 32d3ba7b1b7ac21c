/**
 * The daemon's IT configuration, `config.json` in the data dir, merged with command-line flags:
 * which Chrome extension ids may connect and which installs may pair without a Protect prompt
 * (pre-authorised by policy). Parsed strictly; a malformed file stops the daemon with a clear
 * message rather than silently widening or narrowing the allow-list.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseMessage } from '../../../shared/protocol/parseMessage.js';

const extensionId = z.string().regex(/^[a-p]{32}$/, 'expected a Chrome extension id (32 letters a–p)');

export const daemonConfigFile = z
  .object({
    allowExtensions: z.array(extensionId).max(64).optional(),
    /** true: every allow-listed extension pairs without a prompt; a list: only those ids. */
    preauthorizePairing: z.union([z.boolean(), z.array(extensionId).max(64)]).optional(),
    /** This user's loopback port; absent: the one recorded in the data dir, else a free one (decision 0041). */
    port: z.number().int().min(1).max(65_535).optional(),
  })
  .strict();

export type DaemonConfigFile = z.infer<typeof daemonConfigFile>;

/** Reads and strictly parses `config.json` in `dataDir`; `{}` when there is none. */
export async function readDaemonConfigFile(dataDir: string): Promise<DaemonConfigFile> {
  const path = join(dataDir, 'config.json');
  let raw: string | undefined;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const parsed = raw === undefined ? { ok: true as const, value: {} } : parseMessage(daemonConfigFile, raw);
  if (!parsed.ok) throw new TypeError(`Invalid ${path}: ${parsed.error.message}`);
  return parsed.value as DaemonConfigFile;
}

/** The effective extension policy. */
export interface ExtensionPolicy {
  allowedExtensionIds: ReadonlySet<string>;
  /** Ids whose first pairing needs no Protect approval. Never includes Safari (random per-install origins). */
  preauthorizedIds: ReadonlySet<string>;
}

/** Reads `config.json` (absent is fine) and merges the flags into an {@link ExtensionPolicy}. */
export async function loadDaemonConfig(args: {
  dataDir: string;
  allowExtensions?: readonly string[];
  preauthorizePairing?: boolean;
}): Promise<ExtensionPolicy> {
  const file = await readDaemonConfigFile(args.dataDir);
  for (const id of args.allowExtensions ?? []) {
    if (!extensionId.safeParse(id).success)
      throw new TypeError(`Invalid --allow-extension "${id}": expected 32 letters a–p`);
  }
  const allowed = new Set([...(args.allowExtensions ?? []), ...(file.allowExtensions ?? [])]);
  const preauthorized = new Set<string>();
  if (args.preauthorizePairing === true || file.preauthorizePairing === true)
    for (const id of allowed) preauthorized.add(id);
  if (Array.isArray(file.preauthorizePairing))
    for (const id of file.preauthorizePairing) if (allowed.has(id)) preauthorized.add(id);
  return { allowedExtensionIds: allowed, preauthorizedIds: preauthorized };
}
