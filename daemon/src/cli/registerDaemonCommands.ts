import type { Command } from 'commander';
import { registerNativeHostCommand } from '../nativeHost/nativeHostCommand.js';
import { registerDaemonCommand } from './daemonCommand.js';
import { registerDeviceCommand } from './deviceCommand.js';
import { registerInstallCommands } from './installCommand.js';
import { registerPolkitCommand } from './polkitCommand.js';
import { registerProtectCommand } from './protectCommand.js';
import { registerStatusCommand } from './statusCommand.js';

/**
 * Registers `daemon`, `device`, `protect`, `status`, `native-host`, `polkit`, `install`, `uninstall`
 * and `doctor`. Each action imports its implementation lazily.
 */
export function registerDaemonCommands(program: Command): void {
  registerDaemonCommand(program);
  registerDeviceCommand(program);
  registerProtectCommand(program);
  registerStatusCommand(program);
  registerNativeHostCommand(program);
  registerPolkitCommand(program);
  registerInstallCommands(program);
}
