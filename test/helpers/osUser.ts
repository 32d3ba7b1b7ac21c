/**
 * A throw-away OS user for tests that need two users on one machine (issue 8: two daemons, two
 * browsers). Needs root. The user is named `kbtest-<random>`, carries the creating process's pid
 * in its comment field, and is removed — with its home and every process it still runs (all of
 * them started by the test) — by `remove()`, on process exit, and by the next test run if the
 * creating process died without either (SIGKILL).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Prefix for a command line that runs it as this user (keeps the environment given to spawn). */
  asUser: string[];
  /** A clean environment for this user: PATH, HOME, and nothing of the test runner's user. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Ends the user's processes and deletes the user and home. Idempotent. */
  remove(): void;
}

const MARK = 'keybound test user, pid=';

/** Root, with useradd and setpriv: what creating a second OS user needs. */
export function canCreateOsUsers(): boolean {
  return (
    process.getuid?.() === 0 &&
    ['/usr/sbin/useradd', '/usr/sbin/userdel', '/usr/bin/setpriv'].every((p) => existsSync(p))
  );
}

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids whose real uid is `uid`, from /proc (no procps needed). */
function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Ends every process of `uid` (all started by the test that made the user), then deletes it. */
function deleteUser(name: string, uid: number): void {
  for (let round = 0; round < 3; round++) {
    const pids = processesOf(uid);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('sleep', ['0.2']);
  }
  spawnSync('userdel', ['-r', '-f', name], { encoding: 'utf8' });
}

/** Removes test users left behind by test processes that no longer run. */
function sweepLeftovers(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, , comment] = line.split(':');
    if (!name?.startsWith('kbtest-') || !comment?.startsWith(MARK)) continue;
    const pid = Number(comment.slice(MARK.length));
    if (!alive(pid)) deleteUser(name, Number(uid));
  }
}

export function createOsUser(): OsUser {
  if (!canCreateOsUsers()) throw new Error('creating an OS user needs root, useradd and setpriv');
  sweepLeftovers();
  const name = `kbtest-${randomBytes(4).toString('hex')}`;
  run('useradd', ['--create-home', '--shell', '/usr/sbin/nologin', '--comment', `${MARK}${process.pid}`, name]);
  let removed = false;
  const info = spawnSync('getent', ['passwd', name], { encoding: 'utf8' }).stdout.trim().split(':');
  const uid = Number(info[2]);
  const gid = Number(info[3]);
  const home = info[5] ?? `/home/${name}`;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    deleteUser(name, uid);
  };
  process.once('exit', remove);
  if (!(uid > 0 && gid > 0)) {
    remove();
    throw new Error(`useradd made ${name} but getent gave ${info.join(':')}`);
  }
  return {
    name,
    uid,
    gid,
    home,
    asUser: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'],
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      USER: name,
      LOGNAME: name,
      ...(process.env.CI ? { CI: process.env.CI } : {}),
      ...extra,
    }),
    remove,
  };
}

/**
 * Lets other users traverse (o+x, never list) `path` (if a folder) and every folder above it that does not allow it
 * yet, so the second user can run this checkout's sources (CI may clone under /root, 0700).
 * Returns the undo, which also runs on process exit.
 */
export function allowTraversalTo(path: string): () => void {
  const changed: { dir: string; mode: number }[] = [];
  for (let dir = statSync(path).isDirectory() ? path : dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      changed.push({ dir, mode });
    }
    if (dir === dirname(dir)) break;
  }
  const undo = () => {
    process.off('exit', undo);
    for (const { dir, mode } of changed.splice(0)) chmodSync(dir, mode);
  };
  process.once('exit', undo);
  return undo;
}
