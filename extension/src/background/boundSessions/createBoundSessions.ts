/**
 * Wires the BoundSessionClient to the browser: storage.local for the sessions, chrome.alarms to
 * wake the worker before a cookie expires (plus a timer for short intervals, where the browser
 * may round alarms up to 30 s), the cookie jar for the bound cookie's expiry.
 */
import type Browser from 'webextension-polyfill';
import type { DaemonClient } from '../daemon/DaemonClient.js';
import { ALARM_PREFIX, BoundSessionClient, type BoundSessionRecord } from './BoundSessionClient.js';

const KEY = 'boundSessions';
const TIMER_BELOW_MS = 30_000;

export function createBoundSessions(
  api: typeof Browser,
  deps: {
    daemon: Pick<DaemonClient, 'request'>;
    isPortalOrigin(origin: string): Promise<boolean>;
    log(event: string, fields: Record<string, string | number | boolean | undefined>): void;
  },
): BoundSessionClient {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const client: BoundSessionClient = new BoundSessionClient({
    daemon: deps.daemon,
    fetch: (...args) => fetch(...args),
    load: async () => ({
      ...((await api.storage.local.get(KEY))[KEY] as Record<string, BoundSessionRecord> | undefined),
    }),
    save: (all) => api.storage.local.set({ [KEY]: all }),
    schedule(name, when) {
      void api.alarms.create(name, { when });
      clearTimeout(timers.get(name));
      const delay = when - Date.now();
      if (delay < TIMER_BELOW_MS)
        timers.set(
          name,
          setTimeout(() => void client.onAlarm(name), Math.max(0, delay)),
        );
    },
    cancel(name) {
      void api.alarms.clear(name);
      clearTimeout(timers.get(name));
      timers.delete(name);
    },
    cookieExpiry: async (url, name) => {
      const cookie = await api.cookies.get({ url, name });
      return cookie?.expirationDate === undefined ? undefined : cookie.expirationDate * 1000;
    },
    isPortalOrigin: deps.isPortalOrigin,
    now: () => Date.now(),
    log: deps.log,
  });
  return client;
}

export { ALARM_PREFIX };
