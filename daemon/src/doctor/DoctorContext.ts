/**
 * What every doctor check may read, passed in so tests swap any part: the environment, the data
 * dir, the daemon's status (fetched once over the control socket, or why not), the extension
 * ids to expect, policy folders, the portal, a clock and a command runner.
 */
import type { CommandRunner } from '../install/runCommand.js';

export interface DaemonStatusView {
  daemon: { port: number; url: string; pid: number; dataDir: string };
  /** The control socket's `status` device part (DeviceControlApi.status), or why it failed. */
  device: {
    source?: string;
    profile?: { enrollment?: { state: string; type?: string; organisation?: string; deviceId?: string } };
    eligible?: boolean;
    problem?: { code: string; message: string };
    error?: { code: string; message: string };
  };
  pairedExtensions: { extensionOrigin: string; browser: string; lastSeenAt: string | null }[];
}

export interface DoctorContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  extensionIds: string[];
  /** Managed-policy folders to read (Linux: each browser's). */
  policyDirs: string[];
  /** The portal origin for the clock check (from --portal or the device's enrollment). */
  portal?: string;
  status: { ok: true; value: DaemonStatusView } | { ok: false; code: string; message: string };
  now: () => number;
  run: CommandRunner;
}
