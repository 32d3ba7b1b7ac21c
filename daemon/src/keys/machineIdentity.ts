/**
 * Where the machine binding comes from: the OS machine id (node-machine-id) and the OS user.
 * Injectable so tests can pretend a data dir was copied to another machine or user.
 */
import { userInfo } from 'node:os';
import machineId from 'node-machine-id';

/** The facts a sealed file is bound to. */
export interface MachineIdentity {
  machineId: string;
  uid: number;
  username: string;
}

/** Reads the real machine id (hashed by node-machine-id) and the current OS user. */
export function hostMachineIdentity(): MachineIdentity {
  // node-machine-id is CommonJS: only the default import works from ESM.
  const user = userInfo();
  return { machineId: machineId.machineIdSync(), uid: user.uid, username: user.username };
}
