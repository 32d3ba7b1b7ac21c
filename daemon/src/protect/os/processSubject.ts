/**
 * polkit's `unix-process` subject for a process: pid, start time and uid. The start time (field
 * 22 of /proc/PID/stat, clock ticks since boot) is what polkit compares to refuse a recycled pid,
 * so a process that dies and whose pid is reused cannot inherit the check.
 */
import { readFile } from 'node:fs/promises';

export interface ProcessSubject {
  pid: number;
  startTime: bigint;
  uid: number;
}

/** This process as a polkit subject. Throws when /proc cannot be read (not Linux). */
export async function processSubject(): Promise<ProcessSubject> {
  const pid = process.pid;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
  const startTime = fields[19];
  if (!startTime || !/^\d+$/.test(startTime)) throw new Error(`unexpected /proc/${pid}/stat format`);
  const uid = process.getuid?.();
  if (uid === undefined) throw new Error('no uid on this platform');
  return { pid, startTime: BigInt(startTime), uid };
}
