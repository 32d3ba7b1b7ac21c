/**
 * The user's side of Protect in a real browser: wait for the Protect window the extension opens,
 * click Approve (or Deny) as a person would, read what Protect says afterwards, and wait for the
 * extension to close it. Also: which tab the browser shows in front afterwards.
 */
import type { BrowserContext, Page, Response, Worker } from 'playwright-core';
import type { ExtensionBrowser } from '../../../dev/browser.js';

export interface ProtectAnswer {
  /** The action Protect asked about (its heading before the decision), e.g. "Set up device sign-in?". */
  asked: string;
  /** What Protect showed after the decision, e.g. "Configured. You can return to the previous app.". */
  said: string;
}

const isProtectUrl = (url: string) => url.startsWith('http') && new URL(url).pathname.startsWith('/protect/');

/**
 * The open Protect window (a page on the daemon's `/protect/` path). Polls the context's pages
 * rather than waiting for a `page` event, so a window opened a moment before the call, still on
 * about:blank, is found too.
 */
export async function findProtectWindow(context: BrowserContext, timeoutMs: number): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = context.pages().find((p) => !p.isClosed() && isProtectUrl(p.url()));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No Protect window opened within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Counts the Protect windows opened in `context` from now on, until `stop()`. */
export function watchProtectWindows(context: BrowserContext): { opened(): number; stop(): void } {
  const seen = new Set<Page>();
  const onPage = (page: Page) => {
    if (isProtectUrl(page.url())) seen.add(page);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && isProtectUrl(frame.url())) seen.add(page);
    });
  };
  context.on('page', onPage);
  return { opened: () => seen.size, stop: () => context.off('page', onPage) };
}

/**
 * Clicks `decision` in the next Protect window and resolves once the extension closed it.
 * `expectText` is waited for on the outcome page (the window stays open ~1.5 s after a decision).
 */
export async function answerProtect(
  browser: ExtensionBrowser,
  options: { decision?: 'Approve' | 'Deny'; expectText: string; timeoutMs?: number },
): Promise<ProtectAnswer> {
  const timeout = options.timeoutMs ?? 45_000; // generous: a loaded CI machine once took over 20 s to open it
  const protect = await findProtectWindow(browser.context, timeout).catch((err: Error) => {
    throw new Error(`${err.message}. The extension's log:\n${browser.extensionLog().join('\n') || '(empty)'}`);
  });
  const button = protect.getByRole('button', { name: options.decision ?? 'Approve' });
  await button.waitFor({ timeout });
  const asked = (await protect.locator('h1').first().textContent())?.trim() ?? '';
  const closed = protect.waitForEvent('close', { timeout: timeout + 15_000 });
  // The decision is a form POST whose answer is the outcome page, and the extension closes the
  // window ~1.5 s after Protect finishes: on a loaded machine the page can be gone before a
  // locator reads it. So the outcome is read from the POST's answer as it arrives.
  const answered = protect.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/protect/'),
    { timeout },
  );
  await button.click();
  const said = await outcomeText(await answered, protect, options.expectText, timeout);
  await closed;
  return { asked, said };
}

/** The outcome page's main text, from the POST's answer (or, should that be gone, from the page). */
async function outcomeText(response: Response, protect: Page, expectText: string, timeout: number): Promise<string> {
  const fromAnswer = await response.text().catch(() => undefined);
  const main = fromAnswer === undefined ? undefined : /<main[^>]*>([\s\S]*?)<\/main>/i.exec(fromAnswer)?.[1];
  if (main !== undefined) {
    return main
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim();
  }
  await protect.getByText(expectText, { exact: false }).first().waitFor({ timeout });
  return ((await protect.locator('main').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

interface TabsApi {
  tabs: { query(q: object): Promise<Array<{ id?: number; active: boolean; windowId: number }>> };
  windows: {
    getLastFocused(q: object): Promise<{ id?: number; type?: string; tabs?: Array<{ id?: number; active: boolean }> }>;
  };
}

/** Ids of every open tab (the extension has no `tabs` permission, so ids are what it can see). */
async function tabIds(worker: Worker): Promise<number[]> {
  return worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: TabsApi }).chrome;
    return (await api.tabs.query({})).flatMap((t) => (t.id === undefined ? [] : [t.id]));
  });
}

/** A new tab, with the tab id the extension knows it by (to check later that it is in front). */
export async function openTrackedPage(browser: ExtensionBrowser): Promise<{ page: Page; tabId: number }> {
  const before = new Set(await tabIds(browser.worker));
  const page = await browser.context.newPage();
  const added = (await tabIds(browser.worker)).filter((id) => !before.has(id));
  if (added.length !== 1) throw new Error(`Expected one new tab, found ${added.length}`);
  return { page, tabId: added[0] as number };
}

/** The active tab of the window the user last focused, or a description of that window when it is not a normal one. */
export async function frontTab(worker: Worker): Promise<number | string | undefined> {
  return worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: TabsApi }).chrome;
    const win = await api.windows.getLastFocused({ populate: true });
    if (win.type !== 'normal') return `a ${win.type} window`;
    return win.tabs?.find((t) => t.active)?.id;
  });
}

/** Resolves once tab `tabId` is in front again (bounded); returns what was in front last. */
export async function waitUntilInFront(worker: Worker, tabId: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let front = await frontTab(worker);
  while (front !== tabId && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    front = await frontTab(worker);
  }
  return front;
}
