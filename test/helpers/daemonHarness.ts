/**
 * Channel tests: the dev kit's daemon (dev/startDevDaemon.ts) with the in-memory fake device
 * side by default; pass `openDeviceSide: undefined` (or another) for the real one.
 */
import { type DevDaemon, type DevDaemonOptions, startDevDaemon } from '../../dev/startDevDaemon.js';
import { fakeDeviceSide } from './fakeDeviceSide.js';

export { makeTempDir } from '../../dev/startDevDaemon.js';
export type HarnessDaemon = DevDaemon;

export function startHarnessDaemon(options: DevDaemonOptions = {}): Promise<HarnessDaemon> {
  return startDevDaemon({ openDeviceSide: fakeDeviceSide().open, ...options });
}
