import type Koa from 'koa';
import pino from 'pino';
import type { Config } from '../../src/config';
import { createApp } from '../../src/http/app';
import type { AppState } from '../../src/http/types';
import { createLogger, type Logger } from '../../src/logging/logger';
import { testConfig } from '../helpers/app';

/** Every line the app's logger wrote, parsed, plus the raw text (what would have reached stdout). */
export interface CapturedLogs {
  /** The raw output, exactly as it would be written (after redaction and masking). */
  text(): string;
  lines(): Array<Record<string, unknown>>;
  /** Lines of one request (every request carries its reqId, which tests set via X-Request-Id). */
  forRequest(reqId: string): Array<Record<string, unknown>>;
  clear(): void;
}

/**
 * The service's own logger (createLogger: same redaction paths, same phone/ID masking hook),
 * writing to memory instead of stdout. pino keeps its destination under `symbols.streamSym`;
 * children inherit it through the prototype, so swapping it on the root logger before the app
 * creates any child captures everything the app logs, after the streamWrite masking hook.
 */
export function capturingLogger(level = 'debug'): { logger: Logger; logs: CapturedLogs } {
  const chunks: string[] = [];
  // pino writes each line synchronously through .write().
  const destination = { write: (s: string) => void chunks.push(s) };
  const logger = createLogger({ level });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = destination;
  const parse = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return { unparsable: l };
        }
      });
  return {
    logger,
    logs: {
      text: () => chunks.join(''),
      lines: parse,
      forRequest: (reqId) => parse().filter((l) => l.reqId === reqId),
      clear: () => void chunks.splice(0, chunks.length),
    },
  };
}

export function buildCapturingApp(
  overrides: Record<string, string> = {},
  now?: () => Date,
): { app: Koa<AppState>; config: Config; logger: Logger; logs: CapturedLogs } {
  const config = testConfig(overrides);
  // At the level the test asks for (LOG_LEVEL=trace gets trace lines, not debug ones); debug otherwise.
  const { logger, logs } = capturingLogger(overrides.LOG_LEVEL ?? 'debug');
  return { app: createApp({ config, logger, now }), config, logger, logs };
}

let seq = 0;
/** A request id the request-context middleware keeps (8–64 of [A-Za-z0-9._-]). */
export const nextRequestId = (tag: string) => `sec-${tag.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}-${Date.now().toString(36)}-${++seq}`;

/** `{"error":{"code","message"}}` with a Chinese message. */
export function errorShapeProblem(res: { status: number; body: unknown; text?: string }): string | null {
  const body = res.body as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (!body || typeof body !== 'object' || !body.error) return `no error object: ${String(res.text ?? '').slice(0, 120)}`;
  if (typeof body.error.code !== 'string' || !body.error.code) return 'error.code missing';
  if (typeof body.error.message !== 'string' || !/[\u4e00-\u9fa5]/.test(body.error.message)) return 'error.message missing or not Chinese';
  return null;
}
