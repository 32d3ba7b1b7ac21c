/**
 * Ids the CLI prints are random base64url, so about one in 32 begins with "-" (seen:
 * `-REd619VvX-6opllcIZH5A`, `-th4YdaZp5RgRLpJ`); commander would read such an id as an unknown
 * option. Every command with an argument named `id` (or `…Id`) therefore takes option-like
 * words as operands, and a check before the action tells a real id from a mistyped option: an
 * id is at least 16 base64url characters, an option is whatever else starts with "-".
 */
import type { Command } from 'commander';

const ID_NAME = /(^id$|Id$)/;
const LOOKS_LIKE_ID = /^[A-Za-z0-9_-]{16,}$/;

/** Walks `program` and every subcommand below it; call after all commands are registered. */
export function acceptIdOperands(program: Command): void {
  for (const cmd of program.commands) {
    const idPositions = cmd.registeredArguments.flatMap((arg, i) => (ID_NAME.test(arg.name()) ? [i] : []));
    if (idPositions.length > 0) {
      cmd.allowUnknownOption();
      cmd.hook('preAction', (_this, action) => {
        for (const i of idPositions) checkIdOperand(action, action.args[i]);
      });
    }
    acceptIdOperands(cmd);
  }
}

function checkIdOperand(cmd: Command, value: string | undefined): void {
  if (value === undefined || !value.startsWith('-') || LOOKS_LIKE_ID.test(value)) return;
  // Not an id: the option the user meant, reported the way commander reports its own.
  cmd.error(`error: unknown option '${value}'`, {
    code: 'commander.unknownOption',
    exitCode: 1,
  });
}
