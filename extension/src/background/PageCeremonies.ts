/**
 * The register and sign-in requests each tab has waiting at the daemon. When the page that asked
 * goes away (it navigated, its tab closed, or it gave up on the request), its requests are
 * cancelled at the daemon, so no Protect prompt outlives the page it was for: the daemon ends the
 * prompt as cancelled and the Protect window closes on its `protect.done`.
 */
export class PageCeremonies {
  private readonly byTab = new Map<number, Set<string>>();

  /** `cancel` asks the daemon to cancel one request (fire and forget: the page is gone). */
  constructor(private readonly cancel: (requestId: string) => void) {}

  add(tabId: number, requestId: string): void {
    const ids = this.byTab.get(tabId) ?? new Set<string>();
    ids.add(requestId);
    this.byTab.set(tabId, ids);
  }

  /** The request was answered: nothing left to cancel for it. */
  remove(tabId: number, requestId: string): void {
    const ids = this.byTab.get(tabId);
    ids?.delete(requestId);
    if (ids?.size === 0) this.byTab.delete(tabId);
  }

  /** Cancels every request the tab has waiting; returns how many. */
  abandon(tabId: number): number {
    const ids = this.byTab.get(tabId);
    if (!ids) return 0;
    this.byTab.delete(tabId);
    for (const id of ids) this.cancel(id);
    return ids.size;
  }
}
