/**
 * The links `keybound doctor` walks, in order, with the words both sides use: the CLI prints
 * these titles and the extension's popup shows the checks it can make from its side under the
 * same titles. Each broken link has its own exit code, so scripts and IT tooling can tell them
 * apart (the first broken link in this order decides the code).
 */
export const DOCTOR_CHECKS = {
  service: { title: 'Daemon service', exitCode: 10 },
  daemon: { title: 'Daemon running', exitCode: 11 },
  port: { title: 'Daemon answering on its port', exitCode: 12 },
  nativeHost: { title: 'Native-messaging host', exitCode: 13 },
  extension: { title: 'Extension paired', exitCode: 14 },
  policy: { title: 'Policy seen', exitCode: 15 },
  proxy: { title: 'Proxy leaves loopback alone', exitCode: 16 },
  clock: { title: 'Clock matches the portal', exitCode: 17 },
  enrollment: { title: 'Device enrolled', exitCode: 18 },
  protect: { title: 'Protect ready', exitCode: 19 },
  keyStore: { title: 'Key store', exitCode: 20 },
} as const;

export type DoctorCheckId = keyof typeof DOCTOR_CHECKS;

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One link's result: what was found, and for a broken link what to do. */
export interface DoctorResult {
  id: DoctorCheckId;
  title: string;
  status: DoctorStatus;
  detail: string;
  fix?: string;
}

/** Builds a result with the shared title. */
export function doctorResult(id: DoctorCheckId, status: DoctorStatus, detail: string, fix?: string): DoctorResult {
  return { id, title: DOCTOR_CHECKS[id].title, status, detail, ...(fix ? { fix } : {}) };
}

/** The exit code for a run: 0 when nothing failed, else the first failed link's code. */
export function doctorExitCode(results: readonly DoctorResult[]): number {
  const first = results.find((r) => r.status === 'fail');
  return first ? DOCTOR_CHECKS[first.id].exitCode : 0;
}
