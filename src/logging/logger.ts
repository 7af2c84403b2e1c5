import pino, { type Logger } from 'pino';
import { maskPersonalData } from '../lib/mask';

export type { Logger };

/**
 * Paths whose values never reach a log line, whatever their content: credentials, tip
 * secrets, session cookies. Phone and ID numbers anywhere in a line are masked as the
 * line is written (streamWrite), so a careless log call cannot leak them either.
 */
const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers["x-tip-secret"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers["x-tip-secret"]',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'police-room',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: (line) => maskPersonalData(line) },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
