/**
 * Structured logs (pino, one JSON line per event) to stderr for the daemon and the portal.
 * Every line has an `event` name and, for failures, a `code`. Secrets are redacted by path as a
 * second line of defence; the first is never passing them to the logger.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

const REDACT = [
  '*.secret',
  '*.privateKey',
  '*.signature',
  '*.proof',
  '*.challenge',
  '*.password',
  '*.token',
  '*.pairingSecret',
  'secret',
  'privateKey',
  'signature',
  'proof',
  'challenge',
  'password',
  'token',
];

/** Creates a logger named after its process (`daemon`, `portal`). `level` defaults to KEYBOUND_LOG_LEVEL or info. */
export function createLogger(
  name: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const level = options.level ?? process.env.KEYBOUND_LOG_LEVEL ?? 'info';
  return pino(
    { name, level, base: { name }, redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
