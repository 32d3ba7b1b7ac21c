/** Walks every link in order (shared/doctor/doctorChecks.ts) and returns one result per link. */
import type { DoctorResult } from '../../../shared/doctor/doctorChecks.js';
import { checkClock } from './checkClock.js';
import { checkDaemon } from './checkDaemon.js';
import { checkEnrollment } from './checkEnrollment.js';
import { checkExtension } from './checkExtension.js';
import { checkKeyStore } from './checkKeyStore.js';
import { checkNativeHosts } from './checkNativeHosts.js';
import { checkPolicy } from './checkPolicy.js';
import { checkPort } from './checkPort.js';
import { checkProtect } from './checkProtect.js';
import { checkProxy } from './checkProxy.js';
import { checkService } from './checkService.js';
import type { DoctorContext } from './DoctorContext.js';

const CHECKS = [
  checkService,
  checkDaemon,
  checkPort,
  checkNativeHosts,
  checkExtension,
  checkPolicy,
  checkProxy,
  checkClock,
  checkEnrollment,
  checkProtect,
  checkKeyStore,
];

export async function runChecks(ctx: DoctorContext): Promise<DoctorResult[]> {
  const results: DoctorResult[] = [];
  for (const check of CHECKS) results.push(await check(ctx));
  return results;
}
