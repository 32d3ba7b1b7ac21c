/**
 * `keybound install`: everything one machine needs, idempotently, reporting each step: the data
 * dir with mode 0700 (per user), the daemon's service file (serviceDefinition.ts) and its
 * activation, and the native-messaging host manifest for every installed Chromium-family browser
 * (trust's installNativeHost, the one manifest writer). `dryRun` reports the same steps and
 * changes nothing. `uninstallKeybound` reverses it and keeps the data dir (it holds the keys).
 */
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NATIVE_HOST_NAME } from '../../../shared/extensionIdentity.js';
import { defaultHostCommand, installNativeHost, uninstallNativeHost } from '../nativeHost/installNativeHost.js';
import type { NativeHostBrowser } from '../nativeHost/nativeHostLocation.js';
import { nativeHostLocation } from '../nativeHost/nativeHostLocation.js';
import { detectBrowsers } from './detectBrowsers.js';
import { type CommandRunner, runCommand } from './runCommand.js';
import { serviceDefinition } from './serviceDefinition.js';

export interface InstallStep {
  /** `created`, `fixed`, `wrote`, `ran`, `removed` (`would create` … in a dry run), or `unchanged`, `skipped`, `kept`. */
  action: string;
  what: string;
  detail: string;
}

export interface InstallOptions {
  system?: boolean;
  dryRun?: boolean;
  /** Extension ids the daemon and the host manifests allow (default: Keybound's pinned id). */
  extensionIds?: string[];
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The per-user data dir (default: shared/node/dataDir.ts). */
  dataDir: string;
  /** The daemon's loopback port, when not the default. */
  daemonPort?: number;
  /** How to run `keybound` (default: this Node and this package's bin/keybound.js). */
  keyboundCommand?: string[];
  /** Browsers to write host manifests for (default: the installed ones). */
  browsers?: NativeHostBrowser[];
  run?: CommandRunner;
}

type Verb = 'create' | 'fix' | 'write' | 'run' | 'remove';
const PAST: Record<Verb, string> = { create: 'created', fix: 'fixed', write: 'wrote', run: 'ran', remove: 'removed' };

/** `wrote` for a change made, `would write` for one a dry run only reports; states stay as they are. */
function shown(action: Verb | 'unchanged' | 'skipped', dry: boolean): string {
  if (action === 'unchanged' || action === 'skipped') return action;
  return dry ? `would ${action}` : PAST[action];
}

function setup(options: InstallOptions) {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const system = options.system ?? false;
  const keybound = options.keyboundCommand ?? defaultHostCommand();
  const ids = options.extensionIds ?? [];
  const daemonArgs = [
    'daemon',
    '--device',
    'host',
    ...(options.daemonPort !== undefined ? ['--port', String(options.daemonPort)] : []),
    ...(system ? [] : ['--data-dir', options.dataDir]),
    ...ids.flatMap((id) => ['--allow-extension', id]),
  ];
  const service = serviceDefinition({ platform, system, env, command: [...keybound, ...daemonArgs] });
  const browsers = options.browsers ?? detectBrowsers({ platform, env });
  return { platform, env, system, keybound, ids, service, browsers, run: options.run ?? runCommand };
}

export async function installKeybound(options: InstallOptions): Promise<InstallStep[]> {
  const { platform, env, system, keybound, ids, service, browsers, run } = setup(options);
  const dry = options.dryRun ?? false;
  const steps: InstallStep[] = [];
  const step = (action: Verb | 'unchanged' | 'skipped', what: string, detail: string) =>
    steps.push({ action: shown(action, dry), what, detail });

  if (!system) {
    const info = await stat(options.dataDir).catch(() => undefined);
    if (!info) {
      if (!dry) await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
      step('create', 'data dir', `${options.dataDir} (0700)`);
    } else if ((info.mode & 0o777) !== 0o700 && platform !== 'win32') {
      if (!dry) await chmod(options.dataDir, 0o700);
      step('fix', 'data dir', `${options.dataDir} mode ${(info.mode & 0o777).toString(8)} → 0700`);
    } else step('unchanged', 'data dir', `${options.dataDir} (0700)`);
  }

  const existing = await readFile(service.path, 'utf8').catch(() => undefined);
  if (existing === service.content) step('unchanged', `${service.kind} service`, service.path);
  else {
    if (!dry) {
      await mkdir(dirname(service.path), { recursive: true, mode: 0o755 });
      await writeFile(service.path, service.content, { mode: 0o644 });
    }
    step('write', `${service.kind} service`, service.path);
  }

  for (const browser of browsers) {
    const location = nativeHostLocation({ browser, platform, env, system });
    const manifestPath = join(location.dir, `${NATIVE_HOST_NAME}.json`);
    const before = await readFile(manifestPath, 'utf8').catch(() => undefined);
    if (!dry) {
      await installNativeHost({
        browsers: [browser],
        platform,
        env,
        system,
        hostCommand: keybound,
        ...(system ? {} : { dataDir: options.dataDir }),
        ...(ids.length > 0 ? { extensionIds: ids } : {}),
      });
    }
    const after = dry ? undefined : await readFile(manifestPath, 'utf8').catch(() => undefined);
    step(
      before !== undefined && before === after ? 'unchanged' : 'write',
      `${browser} native-messaging host`,
      manifestPath,
    );
  }
  if (browsers.length === 0) step('skipped', 'native-messaging host', 'no Chromium-family browser found for this user');

  for (const argv of service.activate) {
    if (dry) {
      step('run', 'service', argv.join(' '));
      continue;
    }
    const result = await run(argv, env);
    if (result.ok) step('run', 'service', argv.join(' '));
    else {
      step('skipped', 'service', `${argv.join(' ')} failed (${result.output}); it starts at the next login`);
      break;
    }
  }
  return steps;
}

export async function uninstallKeybound(options: InstallOptions): Promise<InstallStep[]> {
  const { platform, env, system, service, run } = setup(options);
  const dry = options.dryRun ?? false;
  const steps: InstallStep[] = [];
  const step = (action: Verb | 'skipped', what: string, detail: string) =>
    steps.push({ action: shown(action, dry), what, detail });

  for (const argv of service.deactivate) {
    if (dry) step('run', 'service', argv.join(' '));
    else {
      const result = await run(argv, env);
      step(result.ok ? 'run' : 'skipped', 'service', `${argv.join(' ')}${result.ok ? '' : ` (${result.output})`}`);
    }
  }
  const had = await stat(service.path).catch(() => undefined);
  if (had) {
    if (!dry) await rm(service.path, { force: true });
    step('remove', `${service.kind} service`, service.path);
  }
  // Every browser, not only the detected ones: a browser removed since install leaves its manifest.
  const browsers: NativeHostBrowser[] = ['chrome', 'chromium', 'edge', 'brave'];
  const present: NativeHostBrowser[] = [];
  for (const browser of browsers) {
    const dir = nativeHostLocation({ browser, platform, env, system }).dir;
    if (await stat(join(dir, `${NATIVE_HOST_NAME}.json`)).catch(() => undefined)) present.push(browser);
  }
  if (!dry && present.length > 0) {
    for (const path of await uninstallNativeHost({ browsers: present, platform, env, system })) {
      step('remove', 'native-messaging host', path);
    }
  } else {
    for (const browser of present) {
      step('remove', `${browser} native-messaging host`, nativeHostLocation({ browser, platform, env, system }).dir);
    }
  }
  if (!system)
    steps.push({
      action: 'kept',
      what: 'data dir',
      detail: `${options.dataDir} (holds the device keys; delete it yourself)`,
    });
  return steps;
}
