import type Koa from 'koa';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/http/app';
import { createLogger, type Logger } from '../../src/logging/logger';
import type { AppState } from '../../src/http/types';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'true', ...overrides });
}

export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export function buildTestApp(overrides: Record<string, string> = {}): { app: Koa<AppState>; config: Config; logger: Logger } {
  const config = testConfig(overrides);
  const logger = testLogger();
  return { app: createApp({ config, logger }), config, logger };
}
