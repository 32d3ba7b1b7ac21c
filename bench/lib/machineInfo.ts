/** The machine a benchmark ran on, printed at the top so figures are never quoted without it. */
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average at the start: other work on a shared machine skews every figure. */
  load1: number;
}

export function machineInfo(now = new Date()): MachineInfo {
  const list = cpus();
  return {
    date: now.toISOString(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    load1: loadavg()[0] ?? 0,
  };
}

/** Markdown lines for the top of the output. */
export function formatMachineInfo(m: MachineInfo): string {
  return [
    `- Date: ${m.date}`,
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    `- OS: ${m.os}; Node ${m.node}`,
    `- Load average (1 min) at start: ${m.load1.toFixed(2)}`,
  ].join('\n');
}
