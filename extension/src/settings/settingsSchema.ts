/**
 * The extension's settings, defined once: the local settings a user edits in the options page,
 * the managed settings IT sets by policy (extension/managed_schema.json mirrors these keys), and
 * how the two combine. Pure (no browser APIs), so every context and the tests can use it.
 */
import { z } from 'zod';
import { DEFAULT_DAEMON_PORT } from '../../../shared/protocol/version.js';

/**
 * An origin the extension serves: `https://host[:port]`, or `http://` on loopback only (WebAuthn
 * needs a secure context, and localhost is the one plain-http secure context). Must already be
 * in canonical form (what `new URL(x).origin` returns), so string comparison is exact.
 */
export const configuredOrigin = z
  .string()
  .max(2048)
  .refine(isCanonicalServedOrigin, 'expected an origin like https://portal.example.com or http://localhost:3000');

export const daemonPort = z.number().int().min(1).max(65_535);

export const localSettings = z
  .object({
    portalOrigins: z.array(configuredOrigin).max(64),
    ssoLoginOrigins: z.array(configuredOrigin).max(64),
    daemonPort,
  })
  .strict();
export type LocalSettings = z.infer<typeof localSettings>;

/** Each managed key is parsed on its own: one bad value in a policy must not drop the others. */
export const managedFields = {
  portalOrigins: localSettings.shape.portalOrigins,
  ssoLoginOrigins: localSettings.shape.ssoLoginOrigins,
  daemonPort,
  pairingPreauthorized: z.boolean(),
} as const;
export type ManagedKey = keyof typeof managedFields;
export type ManagedSettings = { [K in ManagedKey]?: z.infer<(typeof managedFields)[K]> };

export const DEFAULT_LOCAL_SETTINGS: LocalSettings = {
  portalOrigins: [],
  ssoLoginOrigins: [],
  daemonPort: DEFAULT_DAEMON_PORT,
};

/** What the extension acts on, plus which keys IT manages (shown read-only). */
export interface EffectiveSettings {
  portalOrigins: string[];
  ssoLoginOrigins: string[];
  daemonPort: number;
  pairingPreauthorized: boolean;
  managedKeys: ManagedKey[];
}

/** True for a canonical https origin, or a canonical http origin on localhost / 127.0.0.1 / [::1]. */
export function isCanonicalServedOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.origin !== value) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Canonicalises what a person typed (`https://Portal.example.com/login` → `https://portal.example.com`). */
export function canonicalOrigin(typed: string): string | undefined {
  try {
    const origin = new URL(typed.trim()).origin;
    return isCanonicalServedOrigin(origin) ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** Parses untrusted local settings from storage; anything invalid falls back to the defaults. */
export function parseLocalSettings(raw: unknown): LocalSettings {
  const parsed = localSettings.partial().safeParse(raw ?? {});
  return { ...DEFAULT_LOCAL_SETTINGS, ...(parsed.success ? parsed.data : {}) };
}

/** Parses untrusted managed storage field by field; unknown keys are ignored. */
export function parseManagedSettings(raw: unknown): ManagedSettings {
  const out: Record<string, unknown> = {};
  if (typeof raw !== 'object' || raw === null) return {};
  for (const key of Object.keys(managedFields) as ManagedKey[]) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const parsed = managedFields[key].safeParse(value);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as ManagedSettings;
}

/** Managed values win over local ones, key by key. */
export function combineSettings(local: LocalSettings, managed: ManagedSettings): EffectiveSettings {
  return {
    portalOrigins: managed.portalOrigins ?? local.portalOrigins,
    ssoLoginOrigins: managed.ssoLoginOrigins ?? local.ssoLoginOrigins,
    daemonPort: managed.daemonPort ?? local.daemonPort,
    pairingPreauthorized: managed.pairingPreauthorized ?? false,
    managedKeys: (Object.keys(managedFields) as ManagedKey[]).filter((key) => managed[key] !== undefined),
  };
}

/** Whether the extension serves this exact origin (a portal or an SSO login origin). */
export function isServedOrigin(settings: Pick<EffectiveSettings, 'portalOrigins' | 'ssoLoginOrigins'>, origin: string) {
  return settings.portalOrigins.includes(origin) || settings.ssoLoginOrigins.includes(origin);
}
