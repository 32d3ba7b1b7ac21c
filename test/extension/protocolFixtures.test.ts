/**
 * The extension's side of the golden protocol fixtures (test/fixtures/protocol): every message
 * the extension receives is run through the extension's own boundary code — the daemon → worker
 * connection (DaemonConnection), the page → content bridge (createPageBridge) followed by the
 * worker's channel receiver (where the strict page schema runs), and the content ⇄ worker schema — and every request the worker sends must come out as the fixture says.
 */
import { describe, expect, it, vi } from 'vitest';
import { DaemonConnection, type WebSocketLike } from '../../extension/src/background/daemon/DaemonConnection.js';
import { createPageBridge, type PortLike } from '../../extension/src/content/createPageBridge.js';
import { channels } from '../../extension/src/messaging/channels.js';
import { createChannelReceiver } from '../../extension/src/messaging/createChannelReceiver.js';
import { clientMessage, type RequestType } from '../../shared/protocol/messages.js';
import { pageReady } from '../../shared/protocol/pageApi.js';
import { loadProtocolFixtures, type ProtocolFixture } from '../protocol/loadProtocolFixtures.js';

const fixtures = loadProtocolFixtures();
const bySchema = (test: (schema: string) => boolean) => fixtures.filter((f) => test(f.schema));

/** A DaemonConnection over a fake socket: `sent` holds what the worker wrote, `deliver` injects frames. */
async function fakeConnection() {
  const sent: string[] = [];
  const socket: WebSocketLike = {
    readyState: 1,
    send: (data) => void sent.push(data),
    close: () => {},
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
  };
  const log = vi.fn();
  const opening = DaemonConnection.open(socket, log, 1_000);
  socket.onopen?.({});
  const connection = await opening;
  const onEvent = vi.fn();
  connection.onEvent = onEvent;
  return { connection, sent, log, onEvent, deliver: (raw: string) => socket.onmessage?.({ data: raw }) };
}

const sentId = (sent: string[]) => (JSON.parse(sent.at(-1)!) as { id: string }).id;

describe('protocol fixtures: daemon → worker results', () => {
  const cases = bySchema((s) => s.startsWith('resultSchemas.'));
  it.each(cases.map((f) => [f.file, f] as const))('should parse %s as the fixture says', async (_file, fixture) => {
    const type = fixture.schema.slice('resultSchemas.'.length) as RequestType;
    const { connection, sent, deliver } = await fakeConnection();
    const pending = connection.request(type, {} as never, 1_000);
    deliver(JSON.stringify({ type: 'result', id: sentId(sent), ok: true, result: fixture.message }));
    const outcome = await pending;
    if (fixture.valid) expect(outcome).toEqual({ ok: true, result: fixture.message });
    else expect(outcome).toMatchObject({ ok: false, error: { code: fixture.expectedCode } });
  });
});

describe('protocol fixtures: daemon → worker envelopes and events', () => {
  const envelopes = bySchema((s) => ['resultOk', 'resultErr', 'daemonMessage'].includes(s));
  it.each(envelopes.map((f) => [f.file, f] as const))(
    'should handle the envelope %s as the fixture says',
    async (_file, fixture) => {
      const { connection, sent, deliver, log } = await fakeConnection();
      const pending = connection.request('ping', {}, 50);
      const message = fixture.message as { id?: string };
      const id = message.id === '-' ? '-' : sentId(sent);
      deliver(JSON.stringify({ ...(fixture.message as object), id }));
      const outcome = await pending;
      const envelope = fixture.message as { ok?: boolean; error?: { code: string } };
      if (!fixture.valid) {
        expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
        expect(log).toHaveBeenCalledWith('daemon.drop', { code: fixture.expectedCode });
      } else if (id === '-') {
        expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT' } });
      } else if (envelope.ok) {
        expect(outcome).toEqual({ ok: true, result: (fixture.message as { result: unknown }).result });
      } else {
        expect(outcome).toEqual({ ok: false, error: envelope.error });
      }
    },
  );

  const events = bySchema((s) => s === 'protectRequestEvent' || s === 'protectDoneEvent');
  it.each(events.map((f) => [f.file, f] as const))(
    'should pass on or drop the event %s as the fixture says',
    async (_file, fixture) => {
      const { deliver, onEvent, log } = await fakeConnection();
      deliver(fixture.raw);
      if (fixture.valid) expect(onEvent).toHaveBeenCalledWith(fixture.message);
      else {
        expect(onEvent).not.toHaveBeenCalled();
        expect(log).toHaveBeenCalledWith('daemon.drop', { code: fixture.expectedCode });
      }
    },
  );
});

describe('protocol fixtures: worker → daemon requests', () => {
  const requests = fixtures.filter(
    (f) => f.valid && (f.schema.endsWith('Request') || f.schema === 'clientMessage') && f.schema !== 'pageRequest',
  );
  it.each(requests.map((f) => [f.file, f] as const))(
    'should send %s exactly as the fixture says',
    async (_file, fixture) => {
      const { connection, sent } = await fakeConnection();
      const { type, id: _id, ...payload } = fixture.message as { type: RequestType; id: string };
      void connection.request(type, payload as never, 1_000);
      const wire = JSON.parse(sent.at(-1)!) as { id: string };
      expect(clientMessage.safeParse(wire).success).toBe(true);
      expect(wire).toEqual({ ...(fixture.message as object), id: wire.id });
      connection.close();
    },
  );
});

describe('protocol fixtures: page → content script → worker', () => {
  const origin = 'http://localhost:4000';
  const pageRequests = bySchema((s) => s === 'pageRequest');
  // The page boundary as the extension runs it: the content script's envelope check, then the
  // worker's channel receiver with the strict page schema (docs/decisions/0034-…).
  it.each(pageRequests.map((f) => [f.file, f] as const))(
    'should hand on or refuse %s as the fixture says',
    async (_file, fixture) => {
      const handler = vi.fn(async () => ({ ok: true as const, result: {} }));
      const receive = createChannelReceiver(
        'content:background',
        {
          gate: vi.fn(async () => undefined),
          'page.request': handler,
          'page.abandon': vi.fn(async () => ({ cancelled: 0 })),
        },
        vi.fn(),
      );
      const win = { addEventListener: vi.fn(), removeEventListener: vi.fn(), postMessage: vi.fn() };
      const forward = (from: string, request: unknown) =>
        receive({ channel: 'content:background', type: 'page.request', payload: { origin: from, request } }, {});
      const bridge = createPageBridge({ win, origin, forward });
      bridge.start();
      const answers: unknown[] = [];
      const port: PortLike = { postMessage: (m) => void answers.push(m), close: () => {} };
      bridge.handleMessage({ source: win, origin, data: JSON.parse(fixture.raw), ports: [port] });
      await vi.waitFor(() => expect(answers).toHaveLength(1));
      if (fixture.valid) expect(handler).toHaveBeenCalledWith({ origin, request: fixture.message }, {});
      else {
        expect(handler).not.toHaveBeenCalled();
        expect(answers).toEqual([{ ok: false, error: expect.objectContaining({ code: fixture.expectedCode }) }]);
      }
    },
  );

  it('should announce ready exactly like the page-ready fixture', () => {
    const win = { addEventListener: vi.fn(), removeEventListener: vi.fn(), postMessage: vi.fn() };
    createPageBridge({ win, origin, forward: vi.fn() }).start();
    const ready = fixtures.find((f) => f.file === 'valid/page-ready.json') as ProtocolFixture;
    expect(win.postMessage).toHaveBeenCalledWith(ready.message, origin);
    expect(pageReady.safeParse(win.postMessage.mock.calls[0]?.[0]).success).toBe(true);
  });

  const responses = bySchema((s) => s === 'pageResponse' || s.startsWith('pageResults.'));
  it.each(responses.map((f) => [f.file, f] as const))(
    'should accept or refuse the answer %s on the content channel',
    (_file, fixture) => {
      const response = channels['content:background']['page.request'].response;
      const answer = fixture.schema === 'pageResponse' ? fixture.message : { ok: true, result: fixture.message };
      expect(response.safeParse(answer).success).toBe(fixture.valid || fixture.schema !== 'pageResponse');
    },
  );
});
