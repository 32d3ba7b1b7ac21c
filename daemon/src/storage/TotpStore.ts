/**
 * Protect's TOTP accounts (`totp add <otpauth-uri>`, `totp code ID`). Secrets are sealed at rest
 * (`totp.sealed`) and never leave the daemon: callers get codes, not secrets. otpauth parses the
 * URI and computes the code (RFC 6238).
 */
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { z } from 'zod';
import { DeviceError } from '../../../shared/errors.js';
import { toBase64url } from '../../../shared/webauthn/base64url.js';
import type { Sealer } from '../keys/MachineSealer.js';
import { SealedJsonFile } from './SealedJsonFile.js';

export const TOTP_FILE = 'totp.sealed';
const MAX_URI_LENGTH = 2048;

const totpAccountSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    issuer: z.string().max(256),
    label: z.string().max(256),
    secret: z.string().regex(/^[A-Z2-7]+=*$/),
    algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
    digits: z.number().int().min(6).max(10),
    period: z.number().int().min(1).max(3600),
    createdAt: z.string(),
  })
  .strict();
const totpFileSchema = z.object({ v: z.literal(1), accounts: z.array(totpAccountSchema).max(1000) }).strict();

type TotpAccount = z.infer<typeof totpAccountSchema>;
/** What callers may see of a TOTP account: everything but the secret. */
export type TotpAccountInfo = Omit<TotpAccount, 'secret' | 'algorithm' | 'digits' | 'period'>;

export class TotpStore {
  private readonly file: SealedJsonFile<typeof totpFileSchema>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    sealer: Sealer,
    private readonly random: (n: number) => Uint8Array = defaultRandom,
  ) {
    this.file = new SealedJsonFile(join(dataDir, TOTP_FILE), 'totp', totpFileSchema, sealer);
  }

  /** Adds an account from an `otpauth://totp/...` URI. A bad or HOTP URI is ERR_TOTP_URI_INVALID. */
  async add(uri: string, now: Date): Promise<TotpAccountInfo> {
    const account = { ...parseTotpUri(uri), id: toBase64url(this.random(12)), createdAt: now.toISOString() };
    await this.mutate((accounts) => [...accounts, account]);
    return infoOf(account);
  }

  async list(): Promise<TotpAccountInfo[]> {
    return (await this.accounts()).map(infoOf);
  }

  /** The current code of account `id`, or undefined when there is no such account. */
  async code(id: string, now: Date): Promise<{ code: string; expiresAt: string } | undefined> {
    const a = (await this.accounts()).find((x) => x.id === id);
    if (!a) return undefined;
    const totp = new OTPAuth.TOTP({
      issuer: a.issuer,
      label: a.label,
      secret: OTPAuth.Secret.fromBase32(a.secret),
      algorithm: a.algorithm,
      digits: a.digits,
      period: a.period,
    });
    const step = a.period * 1000;
    return {
      code: totp.generate({ timestamp: now.getTime() }),
      expiresAt: new Date(Math.floor(now.getTime() / step) * step + step).toISOString(),
    };
  }

  async delete(id: string): Promise<boolean> {
    let removed = false;
    await this.mutate((accounts) => {
      removed = accounts.some((a) => a.id === id);
      return accounts.filter((a) => a.id !== id);
    });
    return removed;
  }

  /** Removes every TOTP account (Protect uninstalled: DESIGN.md prerequisite 5). */
  async deleteAll(): Promise<number> {
    let n = 0;
    await this.mutate((accounts) => {
      n = accounts.length;
      return [];
    });
    return n;
  }

  private async accounts(): Promise<TotpAccount[]> {
    return (await this.file.read())?.accounts ?? [];
  }

  private async mutate(change: (accounts: TotpAccount[]) => TotpAccount[]): Promise<void> {
    const run = this.queue.then(async () => this.file.write({ v: 1, accounts: change(await this.accounts()) }));
    this.queue = run.catch(() => undefined);
    await run;
  }
}

/** Parses an otpauth:// TOTP URI into the stored fields (without id and createdAt). */
export function parseTotpUri(uri: string): Omit<TotpAccount, 'id' | 'createdAt'> {
  if (uri.length > MAX_URI_LENGTH)
    throw new DeviceError(
      'ERR_TOTP_URI_INVALID',
      `The otpauth URI is ${uri.length} characters, expected at most ${MAX_URI_LENGTH}`,
    );
  let parsed: OTPAuth.HOTP | OTPAuth.TOTP;
  try {
    parsed = OTPAuth.URI.parse(uri);
  } catch (cause) {
    throw new DeviceError(
      'ERR_TOTP_URI_INVALID',
      'Not a valid otpauth:// URI; copy the whole link from the QR code or setup page',
      { cause },
    );
  }
  if (!(parsed instanceof OTPAuth.TOTP)) {
    throw new DeviceError(
      'ERR_TOTP_URI_INVALID',
      'Only time-based (otpauth://totp/) accounts are supported, not counter-based (hotp)',
    );
  }
  const algorithm = parsed.algorithm.toUpperCase();
  if (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') {
    throw new DeviceError(
      'ERR_TOTP_URI_INVALID',
      `Unsupported TOTP algorithm "${parsed.algorithm}", expected SHA1, SHA256 or SHA512`,
    );
  }
  return {
    issuer: parsed.issuer,
    label: parsed.label,
    secret: parsed.secret.base32,
    algorithm,
    digits: parsed.digits,
    period: parsed.period,
  };
}

function infoOf(a: TotpAccount): TotpAccountInfo {
  return { id: a.id, issuer: a.issuer, label: a.label, createdAt: a.createdAt };
}

function defaultRandom(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}
