/**
 * The Protect handoff: when the daemon needs the user (`protect.request`), open the Protect
 * window and remember the tab the user came from; when Protect finishes (`protect.done`), leave
 * the confirmation ("Configured. You can return to the previous app.") on screen briefly, close
 * the window and bring the original tab back to the front. The page continues by itself when its
 * response arrives; nothing here touches page data.
 *
 * Open windows are recorded in session storage so a worker woken between the two events still
 * finds and closes them.
 */
import type { ProtectDoneEvent } from '../../../shared/protocol/messages.js';

/** A Protect request to show: its ids and the window URL the native host handed over (decision 0040). */
export interface ProtectPrompt {
  requestId: string;
  protectId: string;
  url: string;
}

export interface TabRef {
  tabId: number;
  windowId: number;
}

interface HandoffRecord {
  protectWindowId?: number;
  protectTabId?: number;
  original?: TabRef;
}

export interface HandoffDeps {
  open: (url: string) => Promise<{ windowId?: number; tabId?: number }>;
  closeWindow: (windowId: number) => Promise<void>;
  closeTab: (tabId: number) => Promise<void>;
  focus: (tab: TabRef) => Promise<void>;
  /** The tab the user is looking at, used when the request came from no known tab (e.g. the popup's). */
  activeTab: () => Promise<TabRef | undefined>;
  store: {
    get: (key: string) => Promise<HandoffRecord | undefined>;
    set: (key: string, value: HandoffRecord) => Promise<void>;
    remove: (key: string) => Promise<void>;
  };
  log: (event: string, fields: { code: string; outcome?: string }) => void;
  /** How long the confirmation stays visible before the window closes. */
  closeDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const PROTECT_CLOSE_DELAY_MS = 1_500;
/**
 * The request id pairing's Protect prompt is shown under. Pairing belongs to no page request: it
 * happens while connecting (through the native host), started by a page's request or by the
 * worker's warm-up. Its window returns to the first tab whose request waited for the daemon while
 * it was open, else to the tab that was active when it opened.
 */
export const PAIRING_REQUEST_ID = 'pairing';

export class ProtectHandoff {
  private readonly requestTabs = new Map<string, TabRef>();
  private readonly opening = new Map<string, Promise<boolean>>();
  /** The first tab whose request is waiting for the daemon (it may have to pair first). */
  private waiting: TabRef | undefined;
  /** Open pairing prompts (by protectId) and the tab waiting on each, once one is. */
  private readonly pairings = new Map<string, TabRef | undefined>();

  constructor(private readonly deps: HandoffDeps) {}

  /** Links a daemon request id to the tab that asked, so its Protect window returns there. */
  rememberRequest(requestId: string, tab: TabRef): void {
    this.requestTabs.set(requestId, tab);
  }

  forgetRequest(requestId: string): void {
    this.requestTabs.delete(requestId);
  }

  /**
   * A tab's request is on its way to the daemon: should connecting need pairing (or a pairing
   * prompt be open already), that Protect window returns to this tab — the first such tab, when
   * several wait. Call the returned function once the request is answered.
   */
  awaitingDaemon(tab: TabRef): () => void {
    this.waiting ??= tab;
    for (const [protectId, asker] of this.pairings) if (!asker) this.pairings.set(protectId, tab);
    return () => {
      if (this.waiting === tab) this.waiting = undefined;
    };
  }

  /** `protect.request`: opens the Protect window; resolves false when the browser did not open it. */
  onRequest(event: ProtectPrompt): Promise<boolean> {
    if (event.requestId === PAIRING_REQUEST_ID) this.pairings.set(event.protectId, this.waiting);
    const opened = this.open(event).then(
      () => true,
      () => {
        this.deps.log('protect.open_failed', { code: 'ERR_INTERNAL' });
        return false;
      },
    );
    this.opening.set(event.protectId, opened);
    return opened;
  }

  /** `protect.done`: after a short pause, closes the window and returns to the original tab. */
  async onDone(event: ProtectDoneEvent): Promise<void> {
    await this.opening.get(event.protectId);
    this.opening.delete(event.protectId);
    const asker = this.pairings.get(event.protectId);
    this.pairings.delete(event.protectId);
    const key = storeKey(event.protectId);
    const record = await this.deps.store.get(key);
    if (!record) return;
    await this.deps.store.remove(key);
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    await sleep(this.deps.closeDelayMs ?? PROTECT_CLOSE_DELAY_MS);
    // The user may have closed the window already: closing is best effort.
    if (record.protectWindowId !== undefined) await this.deps.closeWindow(record.protectWindowId).catch(() => {});
    else if (record.protectTabId !== undefined) await this.deps.closeTab(record.protectTabId).catch(() => {});
    const original = asker ?? record.original;
    if (original) await this.deps.focus(original).catch(() => {});
    this.deps.log('protect.returned', { code: 'OK', outcome: event.outcome });
  }

  private async open(event: ProtectPrompt): Promise<void> {
    const original =
      this.requestTabs.get(event.requestId) ?? this.pairings.get(event.protectId) ?? (await this.deps.activeTab());
    const opened = await this.deps.open(event.url);
    await this.deps.store.set(storeKey(event.protectId), {
      ...(opened.windowId === undefined ? {} : { protectWindowId: opened.windowId }),
      ...(opened.tabId === undefined ? {} : { protectTabId: opened.tabId }),
      ...(original ? { original } : {}),
    });
    this.deps.log('protect.opened', { code: 'OK' });
  }
}

function storeKey(protectId: string): string {
  return `protect:${protectId}`;
}
