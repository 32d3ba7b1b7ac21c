/**
 * The browser's part of DBSC (W3C webappsec-dbsc) for browsers without it: on a portal response
 * carrying Secure-Session-Registration, have the daemon create a session key and sign the
 * registration proof, post it, and keep the session's short-lived cookie alive by refreshing
 * ahead of its expiry with a fresh proof (the spec's "user agent considerations": one refresh at a
 * time per session, proactively while the cookie is still valid). A 403 with a new challenge is
 * retried once; any other 4xx ends the session and its key (the spec's "terminate the session").
 * Pure over its dependencies, so tests drive it without a browser.
 */
import {
  formatSfString,
  KEYBOUND_SESSION_ID,
  parseChallengeHeader,
  parseRegistrationHeader,
  SECURE_SESSION_CHALLENGE,
  SECURE_SESSION_RESPONSE,
} from '../../../../shared/dbsc/dbscHeaders.js';
import { dbscSessionInstructions } from '../../../../shared/dbsc/dbscSessionInstructions.js';
import type { DaemonClient } from '../daemon/DaemonClient.js';

export interface BoundSessionRecord {
  origin: string;
  keyId: string;
  refreshUrl: string;
  cookieName: string;
  /** The challenge the last response sent for the next refresh, if any. */
  challenge?: string;
  /** The cookie's lifetime as first seen (ms): refreshes start half of it (at most 60 s) early. */
  lifetimeMs: number;
  refreshAt: number;
}

export interface BoundSessionDeps {
  daemon: Pick<DaemonClient, 'request'>;
  fetch: typeof fetch;
  load(): Promise<Record<string, BoundSessionRecord>>;
  save(all: Record<string, BoundSessionRecord>): Promise<void>;
  /** Wakes the worker at `when` (chrome.alarms); `name` identifies the session. */
  schedule(name: string, when: number): void;
  cancel(name: string): void;
  /** The bound cookie's expiry (ms since epoch), read from the browser's cookie jar. */
  cookieExpiry(url: string, name: string): Promise<number | undefined>;
  isPortalOrigin(origin: string): Promise<boolean>;
  now(): number;
  log(event: string, fields: Record<string, string | number | boolean | undefined>): void;
}

export const ALARM_PREFIX = 'dbsc:';
const MAX_EARLY_MS = 60_000;

export class BoundSessionClient {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: BoundSessionDeps) {}

  /** A response from a served portal origin: register when it carries Secure-Session-Registration. */
  async onResponse(url: string, registrationHeader: string | undefined): Promise<void> {
    if (!registrationHeader) return;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return;
    }
    if (!(await this.deps.isPortalOrigin(origin))) return;
    const entry = parseRegistrationHeader(registrationHeader).find(
      (e) => e.algorithms.includes('ES256') && e.challenge,
    );
    if (!entry?.challenge) return this.deps.log('dbsc.registration_ignored', { code: 'ERR_INVALID_MESSAGE' });
    const endpoint = new URL(entry.path, url).href;
    if (new URL(endpoint).origin !== origin)
      return this.deps.log('dbsc.registration_ignored', { code: 'ERR_BAD_ORIGIN' });
    const signed = await this.deps.daemon.request('session.register', {
      origin,
      endpoint,
      challenge: entry.challenge,
      ...(entry.authorization !== undefined ? { authorization: entry.authorization } : {}),
    });
    if (!signed.ok) return this.deps.log('dbsc.register_failed', { code: signed.error.code });
    const res = await this.post(endpoint, signed.result.proof);
    if (res?.status !== 200) {
      await this.forgetKey(origin, signed.result.keyId);
      return this.deps.log('dbsc.register_refused', { status: res?.status });
    }
    await this.accept(res, endpoint, origin, signed.result.keyId, undefined);
  }

  /** An alarm fired: refresh that session (one refresh at a time per session). */
  onAlarm(name: string): Promise<void> {
    if (!name.startsWith(ALARM_PREFIX)) return Promise.resolve();
    return this.refresh(name.slice(ALARM_PREFIX.length));
  }

  /** After the worker starts: re-arm every stored session's alarm (a refresh that is due runs now). */
  async resume(): Promise<void> {
    const all = await this.deps.load();
    for (const [id, record] of Object.entries(all)) this.deps.schedule(ALARM_PREFIX + id, record.refreshAt);
  }

  refresh(sessionId: string): Promise<void> {
    const current = this.running.get(sessionId);
    if (current) return current;
    const run = this.refreshOnce(sessionId).finally(() => this.running.delete(sessionId));
    this.running.set(sessionId, run);
    return run;
  }

  private async refreshOnce(sessionId: string): Promise<void> {
    const record = (await this.deps.load())[sessionId];
    // Not due: an alarm and its short-delay timer both fired, or the alarm is stale.
    if (!record || record.refreshAt > this.deps.now() + 1_000) return;
    let challenge = record.challenge;
    for (let attempt = 0; attempt < 3; attempt++) {
      let proof: string | undefined;
      if (challenge) {
        const signed = await this.deps.daemon.request('session.refresh', {
          origin: record.origin,
          endpoint: record.refreshUrl,
          keyId: record.keyId,
          challenge,
        });
        if (!signed.ok) {
          this.deps.log('dbsc.refresh_sign_failed', { code: signed.error.code });
          return this.retryLater(sessionId, record);
        }
        proof = signed.result.proof;
      }
      const res = await this.post(record.refreshUrl, proof, sessionId);
      if (!res || res.status >= 500 || res.status === 429 || res.status === 407)
        return this.retryLater(sessionId, record);
      if (res.status === 200) return this.accept(res, record.refreshUrl, record.origin, record.keyId, sessionId);
      if (res.status === 403) {
        challenge = parseChallengeHeader(res.headers.get(SECURE_SESSION_CHALLENGE)).get(sessionId);
        if (challenge) continue;
      }
      break;
    }
    // Refused (the portal ended the session: revoked device, posture, sign-out): forget it.
    this.deps.log('dbsc.session_ended', { code: 'ERR_DBSC_SESSION_UNKNOWN' });
    await this.drop(sessionId, record);
  }

  private async accept(res: Response, endpoint: string, origin: string, keyId: string, expected: string | undefined) {
    let instructions: ReturnType<typeof dbscSessionInstructions.parse>;
    try {
      instructions = dbscSessionInstructions.parse(await res.json());
    } catch {
      return this.deps.log('dbsc.instructions_invalid', { code: 'ERR_INVALID_MESSAGE' });
    }
    if (!('session_identifier' in instructions)) {
      if (expected) await this.drop(expected, (await this.deps.load())[expected]);
      return;
    }
    const id = instructions.session_identifier;
    if (expected && id !== expected) return this.deps.log('dbsc.instructions_invalid', { code: 'ERR_INVALID_MESSAGE' });
    const refreshUrl = new URL(instructions.refresh_url ?? endpoint, endpoint).href;
    const [credential] = instructions.credentials;
    if (!credential || new URL(refreshUrl).origin !== origin) {
      return this.deps.log('dbsc.instructions_invalid', { code: 'ERR_BAD_ORIGIN' });
    }
    const now = this.deps.now();
    const expiry = (await this.deps.cookieExpiry(origin, credential.name)) ?? now + 5 * 60_000;
    const all = await this.deps.load();
    const lifetimeMs = all[id]?.lifetimeMs ?? Math.max(1_000, expiry - now);
    const early = Math.min(MAX_EARLY_MS, lifetimeMs / 2);
    const record: BoundSessionRecord = {
      origin,
      keyId,
      refreshUrl,
      cookieName: credential.name,
      lifetimeMs,
      refreshAt: Math.max(now + 1_000, expiry - early),
    };
    const challenge = parseChallengeHeader(res.headers.get(SECURE_SESSION_CHALLENGE)).get(id);
    if (challenge) record.challenge = challenge;
    await this.deps.save({ ...all, [id]: record });
    this.deps.schedule(ALARM_PREFIX + id, record.refreshAt);
    this.deps.log(expected ? 'dbsc.refreshed' : 'dbsc.registered', { inMs: record.refreshAt - now });
  }

  private async retryLater(sessionId: string, record: BoundSessionRecord): Promise<void> {
    const when = this.deps.now() + Math.min(30_000, Math.max(2_000, record.lifetimeMs / 10));
    const all = await this.deps.load();
    if (all[sessionId]) await this.deps.save({ ...all, [sessionId]: { ...record, refreshAt: when } });
    this.deps.schedule(ALARM_PREFIX + sessionId, when);
  }

  private async drop(sessionId: string, record: BoundSessionRecord | undefined): Promise<void> {
    const all = await this.deps.load();
    delete all[sessionId];
    await this.deps.save(all);
    this.deps.cancel(ALARM_PREFIX + sessionId);
    if (record) await this.forgetKey(record.origin, record.keyId);
  }

  private async forgetKey(origin: string, keyId: string): Promise<void> {
    await this.deps.daemon.request('session.forget', { origin, keyId });
  }

  private async post(url: string, proof: string | undefined, sessionId?: string): Promise<Response | undefined> {
    const headers: Record<string, string> = {};
    if (proof) headers[SECURE_SESSION_RESPONSE] = formatSfString(proof);
    // COMPAT(extension-fetch): fetch drops Sec- headers; see KEYBOUND_SESSION_ID.
    if (sessionId) headers[KEYBOUND_SESSION_ID] = formatSfString(sessionId);
    try {
      // credentials: the portal's cookies go with it and its Set-Cookie lands in the browser's jar.
      return await this.deps.fetch(url, { method: 'POST', credentials: 'include', headers, cache: 'no-store' });
    } catch {
      this.deps.log('dbsc.unreachable', { code: 'ERR_DAEMON_UNAVAILABLE' });
      return undefined;
    }
  }
}
