/**
 * `keybound daemon`: runs the companion daemon in the foreground. Prints exactly one stdout line
 * when ready (`keybound daemon listening on ws://127.0.0.1:<port>`); logs go to stderr.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

export interface DaemonCommandOptions {
  /** Absent: this user's port (config.json, else recorded in the data dir, else picked and recorded). */
  port?: number;
  dataDir?: string;
  device: 'emulator' | 'host';
  uv: 'protect' | 'auto' | 'deny';
  allowExtension: string[];
  preauthorizePairing?: boolean;
  listenIpv6?: boolean;
  protectTimeoutMs?: number;
  keyStore: 'tpm' | 'file' | 'auto';
  tpm?: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number 0–65535');
  return port;
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d{1,7}$/.test(value) || ms < 1) throw new InvalidArgumentError('expected milliseconds (1–9999999)');
  return ms;
}

function collect(value: string, previous: string[]): string[] {
  if (!/^[a-p]{32}$/.test(value)) throw new InvalidArgumentError('expected a Chrome extension id (32 letters a–p)');
  return [...previous, value];
}

export function registerDaemonCommand(program: Command): void {
  program
    .command('daemon')
    .description(
      'Run the companion daemon (loopback WebSocket for the extension; user verification by the OS with --device host)',
    )
    .option(
      '--port <n>',
      'loopback port (default: "port" in config.json, else the one recorded in the data dir, else a free one, recorded; 0: a free one, not recorded)',
      parsePort,
    )
    .option('--data-dir <dir>', 'state directory (default: KEYBOUND_DATA_DIR or the per-user data folder)')
    .addOption(
      new Option(
        '--device <kind>',
        'emulator (developers only: emulated device and Protect window) or host (the OS: enrollment and user verification)',
      )
        .choices(['emulator', 'host'])
        .default('emulator'),
    )
    .addOption(
      new Option('--uv <mode>', 'user verification: protect (ask), auto (approve all: tests only), deny')
        .choices(['protect', 'auto', 'deny'])
        .default('protect'),
    )
    .option('--allow-extension <id>', 'allow a Chrome extension id to connect (repeatable)', collect, [])
    .option('--preauthorize-pairing', 'allowed extensions pair without a Protect prompt (IT policy)')
    .option('--listen-ipv6', 'also listen on [::1]')
    .addOption(
      new Option('--key-store <kind>', 'where keys live: tpm, file (sealed files), auto (a TPM when one answers)')
        .choices(['tpm', 'file', 'auto'])
        .default('auto'),
    )
    .option('--tpm <address>', 'the TPM: swtpm:127.0.0.1:PORT or /dev/tpmrm0 (default: KEYBOUND_TPM, then /dev/tpmrm0)')
    .option('--protect-timeout-ms <ms>', 'how long a request waits for Protect (default 120000)', parseTimeout)
    .action(async (opts: DaemonCommandOptions) => {
      const { runDaemon } = await import('./runDaemon.js');
      process.exitCode = await runDaemon(opts);
    });
}
