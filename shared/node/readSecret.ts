/**
 * How the CLI takes a secret (a password, an enrollment token, an otpauth:// URI) without
 * putting it where other users and the shell history can read it (`/proc/<pid>/cmdline`,
 * `ps`, `~/.bash_history`). In order of preference:
 *   --<name>-file FILE   read from a file (0600 is the caller's business); `-` reads stdin
 *   (nothing)            an interactive prompt with hidden input on a terminal, else stdin
 *   --<name> VALUE       still accepted, with a warning on stderr
 * One trailing newline is removed (what `echo` and editors add); nothing else is changed.
 */
import { readFile } from 'node:fs/promises';
import { read } from 'read';

/** Far beyond any password, token or otpauth URI: stdin that keeps coming is not a secret. */
const MAX_SECRET_BYTES = 16 * 1024;

export interface SecretSource {
  /** What to call the secret in the prompt and messages, e.g. "password". */
  label: string;
  /** The option names, for the warning: e.g. `--password` and `--password-file`. */
  argOption: string;
  fileOption: string;
  /** The value given as an argument (discouraged). */
  value?: string | undefined;
  /** The file given with the file option; `-` means standard input. */
  file?: string | undefined;
  /** Injected for tests; default process.stdin / process.stderr. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function readSecret(source: SecretSource): Promise<string> {
  const stdin = source.stdin ?? process.stdin;
  const stderr = source.stderr ?? process.stderr;
  if (source.value !== undefined && source.file !== undefined) {
    throw new SecretInputError(`Give the ${source.label} once: ${source.argOption} or ${source.fileOption}, not both`);
  }
  if (source.value !== undefined) {
    stderr.write(
      `warning: ${source.argOption} puts the ${source.label} where other users and your shell history can read it; ` +
        `use ${source.fileOption} FILE, ${source.fileOption} - (standard input) or the prompt instead\n`,
    );
    return nonEmpty(source, source.value);
  }
  if (source.file !== undefined && source.file !== '-') {
    const raw = await readFile(source.file).catch((err: NodeJS.ErrnoException) => {
      throw new SecretInputError(`Cannot read the ${source.label} from ${source.file}: ${err.code ?? err.message}`);
    });
    if (raw.byteLength > MAX_SECRET_BYTES)
      throw new SecretInputError(`${source.file} is too large for a ${source.label}`);
    return nonEmpty(source, chomp(raw.toString('utf8')));
  }
  if (source.file === undefined && stdin.isTTY) {
    // Hidden input: nothing is echoed, so it is neither on screen nor in the terminal's scrollback.
    const typed = await read({
      prompt: `${capitalise(source.label)}: `,
      silent: true,
      replace: '',
      input: stdin,
      output: stderr,
    });
    return nonEmpty(source, String(typed));
  }
  return nonEmpty(source, chomp(await readAll(stdin)));
}

/** A secret that cannot be read: the CLI prints the sentence and exits 1. */
export class SecretInputError extends Error {
  override readonly name = 'SecretInputError';
}

function nonEmpty(source: SecretSource, value: string): string {
  if (value.length === 0) throw new SecretInputError(`The ${source.label} is empty`);
  return value;
}

function chomp(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.byteLength;
    if (size > MAX_SECRET_BYTES) throw new SecretInputError('Standard input is too large for a secret');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** readSecret for a commander action: a secret that cannot be read ends the command with its sentence (exit 1). */
export async function readSecretOrExit(cmd: { error(message: string): never }, source: SecretSource): Promise<string> {
  try {
    return await readSecret(source);
  } catch (err) {
    if (err instanceof SecretInputError) cmd.error(`error: ${err.message}`);
    throw err;
  }
}
