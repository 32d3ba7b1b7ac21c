/**
 * One measured passwordless sign-in in a tab, the same steps for both paths: on the portal's
 * email page with the email typed, press Continue; the clock runs from the form's submit event
 * to the home page's DOMContentLoaded (the signed-in page with the apps and #sign-out, rendered
 * by the server). Both ends are taken inside the page (page/timeline.js), so Playwright's own
 * round trips do not count; the Node-side wall time (click → #sign-out visible) is kept as a
 * cross-check. Then the user signs out (not measured), leaving the tab on the email page.
 */
import type { Page } from 'playwright-core';

export const MARKS_KEY = 'keybound.bench.marks';
const STEP_TIMEOUT_MS = 20_000;

export type Mark = [name: string, epochMs: number];

export interface SignInSample {
  /** submit → home DOMContentLoaded, measured in the page (ms). */
  pageMs: number;
  /** click → #sign-out visible, measured by the benchmark process (ms). */
  wallMs: number;
  marks: Mark[];
}

/** Puts the tab on the email page with the email typed in (not measured). */
export async function prepareEmailStep(page: Page, origin: string, email: string): Promise<void> {
  if (new URL(page.url()).pathname !== '/signin') await page.goto(`${origin}/signin?restart=1`);
  await page.locator('#email').fill(email);
}

/** Presses Continue and waits until the home page is there; returns the timings. */
export async function signInOnce(page: Page, origin: string, email: string): Promise<SignInSample> {
  await prepareEmailStep(page, origin, email);
  const home = page.waitForURL(`${origin}/`, { timeout: STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
  const t0 = performance.now();
  try {
    await page.locator('#continue').click();
    await home;
    await page.locator('#sign-out').waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`sign-in did not reach the home page: ${await describeFailure(page)}`, { cause: err });
  }
  const wallMs = performance.now() - t0;
  const marks = await readMarks(page);
  const start = marks.find(([n]) => n === 'submit')?.[1];
  const end = marks.find(([n]) => n === '/ loaded')?.[1];
  if (start === undefined || end === undefined) throw new Error('the page timeline lacks its submit or home mark');
  return { pageMs: end - start, wallMs, marks };
}

/** Signs out from the home page (not measured); the tab ends on the email page. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('#sign-out').click();
  await page.waitForURL((url) => url.pathname === '/signin', { timeout: STEP_TIMEOUT_MS });
}

async function readMarks(page: Page): Promise<Mark[]> {
  const raw = await page.evaluate((key) => sessionStorage.getItem(key), MARKS_KEY);
  return raw ? (JSON.parse(raw) as Mark[]) : [];
}

/** Where the tab is and what it says: the URL, the page's status line, a built-in script error. */
async function describeFailure(page: Page): Promise<string> {
  const detail = await page
    .evaluate(() => ({
      error: document.documentElement.dataset.benchError,
      status: document.getElementById('status')?.textContent ?? undefined,
    }))
    .catch(() => ({ error: undefined, status: undefined }));
  return [`at ${page.url()}`, detail.error && `error: ${detail.error}`, detail.status && `status: ${detail.status}`]
    .filter(Boolean)
    .join('; ');
}
