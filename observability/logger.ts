import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/**
 * Paths whose values never reach log output. `*.x` matches one level down only, so the common
 * top-level spelling is listed too. MFA answers are one-time codes / security answers — as
 * sensitive as passwords, hence the `answers[*].value` family.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  '*.headers.authorization',
  ...['apiKey', 'secret', 'clientSecret', 'password', 'token', 'accessToken', 'refreshToken'].flatMap((k) => [
    k,
    `*.${k}`,
  ]),
  'answers[*].value',
  '*.answers[*].value',
  'mfa.*.value',
  'mfa.answers[*].value',
  '*.mfa.answers[*].value',
];

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  /** Tests pass a stream to capture output; defaults to stdout. */
  destination?: DestinationStream;
}

export function createLogger({ name, level = 'info', destination }: LoggerOptions): Logger {
  const options = {
    name,
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime, // ISO-8601 rather than epoch ms: readable and sortable across services
    formatters: { level: (label: string) => ({ level: label }) }, // "level":"info" instead of 30, for log search
  };
  return destination ? pino(options, destination) : pino(options);
}
