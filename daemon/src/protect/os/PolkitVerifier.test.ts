/**
 * PolkitVerifier against polkit's D-Bus API (python3-dbusmock's polkitd template on a private
 * bus): what it sends (subject = this process with its start time, the action, AllowUserInteraction,
 * details that name the site), and what it makes of each answer — approved, denied, dismissed, no
 * agent, no polkit, no bus, the action not installed, details refused, cancelled, timed out.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/node/createLogger.js';
import {
  type PolkitMock,
  requirePolkitTestSupport,
  startPolkitMock,
  startPrivateBus,
} from '../../../../test/helpers/polkitMock.js';
import { MemoryAuditLog } from '../../audit/FileAuditLog.js';
import type { VerificationRequest } from '../UserVerifier.js';
import { POLKIT_ACTION_ID, PolkitVerifier } from './PolkitVerifier.js';

const supported = requirePolkitTestSupport();
let mock: PolkitMock;

const request = (over: Partial<VerificationRequest> = {}): VerificationRequest => ({
  action: 'signIn',
  origin: 'http://localhost:3000',
  rpId: 'localhost',
  userName: 'alice@example.com',
  browser: 'Chrome',
  requestId: 'r1',
  ...over,
});

const verifier = (over: Partial<ConstructorParameters<typeof PolkitVerifier>[0]> = {}) =>
  new PolkitVerifier({ logger: silentLogger(), busAddress: mock.address, ...over });

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected the verification to be refused');
}

describe.skipIf(!supported)('PolkitVerifier (polkit D-Bus API, dbusmock polkitd)', () => {
  beforeAll(async () => {
    mock = await startPolkitMock();
  });
  afterAll(async () => {
    await mock?.stop();
  });

  it('should resolve when polkit authorises the action, after a check of this process with user interaction', async () => {
    await mock.clearCalls();
    await mock.setAllowed([POLKIT_ACTION_ID]);
    const audit = new MemoryAuditLog();
    const handle = await verifier({ audit }).verify(request());
    expect(typeof handle.complete).toBe('function');
    expect(audit.lines.map((l) => [l.event, l.via])).toEqual([['protect.approved', 'polkit']]);

    const [call] = await mock.calls('CheckAuthorization');
    const [subject, actionId, details, flags, cancellationId] = call?.args ?? [];
    const stat = await readFile('/proc/self/stat', 'utf8');
    const startTime = BigInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '');
    expect(subject).toEqual(['unix-process', { pid: process.pid, 'start-time': startTime, uid: process.getuid?.() }]);
    expect(actionId).toBe(POLKIT_ACTION_ID);
    expect(flags).toBe(1); // AllowUserInteraction
    expect(cancellationId).toMatch(/^keybound-[0-9a-f]{24}$/);
    expect(details).toMatchObject({
      'polkit.message': 'Keybound: sign in to localhost as alice@example.com? (Chrome, from http://localhost:3000)',
      request: 'signIn',
      portal: 'http://localhost:3000',
      site: 'localhost',
      account: 'alice@example.com',
    });
  });

  it('should refuse with ERR_USER_DENIED when polkit does not authorise the user', async () => {
    await mock.setAllowed([]);
    const audit = new MemoryAuditLog();
    const err = await codeOf(verifier({ audit }).verify(request()));
    expect(err.code).toBe('ERR_USER_DENIED');
    expect(err.message).toMatch(/did not confirm it is you/);
    expect(audit.lines.map((l) => l.event)).toEqual(['protect.denied']);
  });

  it('should cancel the polkit check (CancelCheckAuthorization with its id) when the request is abandoned', async () => {
    await mock.clearCalls();
    await mock.setAllowed([POLKIT_ACTION_ID]);
    await mock.setHang(true);
    try {
      const abandon = new AbortController();
      const pending = verifier().verify(request({ signal: abandon.signal }));
      await waitUntil(async () => (await mock.calls('CheckAuthorization')).length === 1);
      abandon.abort();
      const err = await codeOf(pending);
      expect(err.code).toBe('ERR_EXTENSION_UNAVAILABLE');
      await waitUntil(async () => (await mock.calls('CancelCheckAuthorization')).length === 1);
      const [check] = await mock.calls('CheckAuthorization');
      const [cancel] = await mock.calls('CancelCheckAuthorization');
      expect(cancel?.args).toEqual([check?.args[4]]);
    } finally {
      await mock.setHang(false);
      await mock.releaseHanging();
    }
  });

  it('should cancel the check and refuse with ERR_USER_VERIFICATION_TIMEOUT when nobody answers in time', async () => {
    await mock.clearCalls();
    await mock.setHang(true);
    try {
      const err = await codeOf(verifier({ timeoutMs: 300 }).verify(request()));
      expect(err.code).toBe('ERR_USER_VERIFICATION_TIMEOUT');
      await waitUntil(async () => (await mock.calls('CancelCheckAuthorization')).length === 1);
    } finally {
      await mock.setHang(false);
      await mock.releaseHanging();
    }
  });

  it('should refuse with ERR_USER_DENIED and say so when the user dismissed the prompt', async () => {
    await mock.scriptCheck("ret = (False, False, {'polkit.dismissed': 'true'})");
    const err = await codeOf(verifier().verify(request()));
    expect(err).toMatchObject({ code: 'ERR_USER_DENIED', message: expect.stringMatching(/closed the system prompt/) });
  });

  it('should refuse with ERR_UV_NO_AGENT and a sentence the user can act on when no authentication agent can ask', async () => {
    // What polkitd answers for an auth_self action when no agent is registered for the session.
    await mock.scriptCheck('ret = (False, True, {})');
    const err = await codeOf(verifier().verify(request()));
    expect(err.code).toBe('ERR_UV_NO_AGENT');
    expect(err.message).toMatch(/No polkit authentication agent is running/);
    expect(err.message).toMatch(/start one/);
  });

  it('should refuse with ERR_UV_UNAVAILABLE naming the policy when the action is not installed', async () => {
    await mock.scriptCheck(
      `raise dbus.exceptions.DBusException('Action ${POLKIT_ACTION_ID} is not registered', name='org.freedesktop.PolicyKit1.Error.Failed')`,
    );
    const err = await codeOf(verifier().verify(request()));
    expect(err.code).toBe('ERR_UV_UNAVAILABLE');
    expect(err.message).toMatch(
      /does not know the action dev\.keybound\.verify-user.*install Keybound's polkit policy/,
    );
  });

  it('should ask again without details when polkit refuses details from a user who is not an owner of the action', async () => {
    await mock.clearCalls();
    await mock.scriptCheck(
      "if args[2]:\n    raise dbus.exceptions.DBusException('Only trusted callers (e.g. uid 0 or an action owner) can use CheckAuthorization() and pass details', name='org.freedesktop.PolicyKit1.Error.NotAuthorized')\nret = (True, False, {})",
    );
    await verifier().verify(request());
    const calls = await mock.calls('CheckAuthorization');
    expect(calls.map((c) => Object.keys(c.args[2] as object).length > 0)).toEqual([true, false]);
  });

  it('should refuse with ERR_UV_UNAVAILABLE when polkit is not on the bus', async () => {
    const empty = await startPrivateBus();
    try {
      const err = await codeOf(
        new PolkitVerifier({ logger: silentLogger(), busAddress: empty.address }).verify(request()),
      );
      expect(err.code).toBe('ERR_UV_UNAVAILABLE');
      expect(err.message).toMatch(/polkit is not running on this computer.*apt install polkitd/);
    } finally {
      await empty.stop();
    }
  });

  it('should never ask a "polkit" that DBUS_SYSTEM_BUS_ADDRESS points at (the environment picks no verifier)', async () => {
    await mock.clearCalls();
    await mock.setAllowed([POLKIT_ACTION_ID]); // a fake polkit that says yes to everything
    const saved = process.env.DBUS_SYSTEM_BUS_ADDRESS;
    process.env.DBUS_SYSTEM_BUS_ADDRESS = mock.address;
    try {
      // Whatever the machine's real system bus answers, the fake one must not be asked.
      await new PolkitVerifier({ logger: silentLogger(), timeoutMs: 5_000 }).verify(request()).catch(() => undefined);
      expect(await mock.calls('CheckAuthorization')).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
      else process.env.DBUS_SYSTEM_BUS_ADDRESS = saved;
    }
  });

  it('should refuse with ERR_UV_UNAVAILABLE when there is no system bus', async () => {
    const lost = new PolkitVerifier({ logger: silentLogger(), busAddress: 'unix:path=/nonexistent/keybound-bus' });
    const err = await codeOf(lost.verify(request()));
    expect(err.code).toBe('ERR_UV_UNAVAILABLE');
    expect(err.message).toMatch(/cannot reach the system D-Bus.*ENOENT/);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
