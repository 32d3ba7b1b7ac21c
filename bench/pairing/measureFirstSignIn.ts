/**
 * The first sign-in after the browser starts, in headless Chromium with the built extension and a
 * real daemon (`--uv auto`, device eligible): from launching the browser to the page API's signIn
 * answer, and the sign-in itself (first after start vs the next one). Two cases:
 *   - a restarted browser whose profile is paired already (every day: the stored secret
 *     authenticates at the upgrade; no native host is started);
 *   - a new profile (first use: the extension asks its native host, which pairs over the control
 *     socket, then connects).
 */
import { rm } from 'node:fs/promises';
import { generateAuthenticationOptions, generateRegistrationOptions } from '@simplewebauthn/server';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';
import { installNativeHost } from '../../daemon/src/nativeHost/installNativeHost.js';
import {
  CHROMIUM_PATH,
  callPageApi,
  configureExtension,
  EXTENSION_ID,
  extensionWorker,
  HEADLESS_CHROMIUM_ARGS,
  openPage,
  waitForKeyboundReady,
} from '../../dev/browser.js';
import { CHROME_EXTENSION_DIR, ensureExtensionBuilt } from '../../dev/buildExtension.js';
import { servePages } from '../../dev/servePages.js';
import { makeTempDir, startDevDaemon } from '../../dev/startDevDaemon.js';
import { type Summary, summarize } from '../lib/stats.js';

export interface FirstSignInFigures {
  /** Launch → extension worker running. */
  launch: Summary;
  /** Launch → the first signIn answered (page opened and bridged in between). */
  launchToSignedIn: Summary;
  /** The first signIn after start: page API round trip (connects, or pairs, then signs). */
  firstSignIn: Summary;
  /** The next signIn on the same connection. */
  nextSignIn: Summary;
}

/** The extension's worker; a loaded machine may take longer than extensionWorker's 15 s. */
async function workerOf(context: BrowserContext): Promise<Worker> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await extensionWorker(context, EXTENSION_ID);
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

export async function measureFirstSignIn(
  n: number,
  progress: (m: string) => void,
): Promise<{ restarted: FirstSignInFigures; newProfile: FirstSignInFigures }> {
  const extensionDir = (await ensureExtensionBuilt()) ?? CHROME_EXTENSION_DIR;
  const server = await servePages({ '/': '<!doctype html><title>portal</title><p>portal</p>' });
  const daemon = await startDevDaemon({
    eligible: true,
    uv: 'auto',
    allowExtensions: [EXTENSION_ID],
    preauthorizePairing: true,
  });
  const origin = server.localhostOrigin;
  const keptProfile = await makeTempDir('kb-bench-first-');
  let credentialId = '';

  /** One browser start in `profile`: the figures of one sample. */
  const run = async (profile: string, configure: boolean) => {
    const t0 = performance.now();
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        ...HEADLESS_CHROMIUM_ARGS,
      ],
    });
    try {
      const worker = await workerOf(context);
      const launched = performance.now();
      if (configure) await configureExtension(worker, { portalOrigins: [origin] });
      const page = await openPage(context, `${origin}/`);
      if (!(await waitForKeyboundReady(page, 30_000))) throw new Error('the page bridge did not become ready');
      if (!credentialId) {
        const options = await generateRegistrationOptions({
          rpName: 'Bench',
          rpID: 'localhost',
          userName: 'bench@example.com',
          attestationType: 'none',
          authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
          supportedAlgorithmIDs: [-7],
        });
        const registered = await callPageApi(page, 'register', { options }, 60_000);
        if (!registered.ok) throw new Error(`register: ${JSON.stringify(registered)}`);
        credentialId = (registered.result as { credential: { id: string } }).credential.id;
        return undefined;
      }
      const signIn = async () => {
        const options = await generateAuthenticationOptions({
          rpID: 'localhost',
          allowCredentials: [{ id: credentialId }],
          userVerification: 'required',
        });
        const s = performance.now();
        const answer = await callPageApi(page, 'signIn', { options }, 60_000);
        if (!answer.ok) throw new Error(`signIn: ${JSON.stringify(answer)}`);
        return performance.now() - s;
      };
      const first = await signIn();
      const signedIn = performance.now();
      const next = await signIn();
      return { launch: launched - t0, launchToSignedIn: signedIn - t0, first, next };
    } finally {
      await context.close();
    }
  };

  const collect = async (label: string, sample: () => Promise<Awaited<ReturnType<typeof run>>>) => {
    const rows: NonNullable<Awaited<ReturnType<typeof run>>>[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await sample();
      if (r) rows.push(r);
      progress(`pairing: ${label} ${i + 1}/${n}`);
    }
    const wall = performance.now() - started;
    const pick = (k: keyof (typeof rows)[number]) =>
      summarize(
        rows.map((r) => r[k]),
        wall,
      );
    return {
      launch: pick('launch'),
      launchToSignedIn: pick('launchToSignedIn'),
      firstSignIn: pick('first'),
      nextSignIn: pick('next'),
    };
  };

  try {
    await installNativeHost({ browsers: ['chromium'], userDataDir: keptProfile, dataDir: daemon.dataDir });
    await run(keptProfile, true); // registers (and pairs) once
    const restarted = await collect('restarted browser, paired profile', () => run(keptProfile, false));
    const newProfile = await collect('new profile (pairs)', async () => {
      const profile = await makeTempDir('kb-bench-new-');
      try {
        await installNativeHost({ browsers: ['chromium'], userDataDir: profile, dataDir: daemon.dataDir });
        return await run(profile, true);
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    });
    return { restarted, newProfile };
  } finally {
    await daemon.stop();
    await server.close();
    await rm(keptProfile, { recursive: true, force: true });
  }
}
