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
  /** The tab the user is looking at, used when the request did not come from a known tab (pairing). */
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

export class ProtectHandoff {
  private readonly requestTabs = new Map<string, TabRef>();
  private readonly opening = new Map<string, Promise<void>>();

  constructor(private readonly deps: HandoffDeps) {}

  /** Links a daemon request id to the tab that asked, so its Protect window returns there. */
  rememberRequest(requestId: string, tab: TabRef): void {
    this.requestTabs.set(requestId, tab);
  }

  forgetRequest(requestId: string): void {
    this.requestTabs.delete(requestId);
  }

  /** `protect.request`: opens the Protect window. */
  onRequest(event: ProtectPrompt): Promise<void> {
    const opened = this.open(event).catch(() => this.deps.log('protect.open_failed', { code: 'ERR_INTERNAL' }));
    this.opening.set(event.protectId, opened);
    return opened;
  }

  /** `protect.done`: after a short pause, closes the window and returns to the original tab. */
  async onDone(event: ProtectDoneEvent): Promise<void> {
    await this.opening.get(event.protectId);
    this.opening.delete(event.protectId);
    const key = storeKey(event.protectId);
    const record = await this.deps.store.get(key);
    if (!record) return;
    await this.deps.store.remove(key);
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    await sleep(this.deps.closeDelayMs ?? PROTECT_CLOSE_DELAY_MS);
    // The user may have closed the window already: closing is best effort.
    if (record.protectWindowId !== undefined) await this.deps.closeWindow(record.protectWindowId).catch(() => {});
    else if (record.protectTabId !== undefined) await this.deps.closeTab(record.protectTabId).catch(() => {});
    if (record.original) await this.deps.focus(record.original).catch(() => {});
    this.deps.log('protect.returned', { code: 'OK', outcome: event.outcome });
  }

  private async open(event: ProtectPrompt): Promise<void> {
    const original = this.requestTabs.get(event.requestId) ?? (await this.deps.activeTab());
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
