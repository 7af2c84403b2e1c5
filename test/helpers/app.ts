import type Koa from 'koa';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/http/app';
import { createLogger, type Logger } from '../../src/logging/logger';
import type { AppState } from '../../src/http/types';

export function testConfig(overrides: Record<string, string> = {}): Config {
  // Tests file many tips from one address; the tip-line limits have their own test with small values.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SEED_DEMO_DATA: 'true',
    TIP_RATE_SUBMIT_PER_HOUR: '10000',
    TIP_RATE_LOOKUP_PER_10MIN: '10000',
    // Tests book and look up many appointments from one address; the guards have their own test.
    APPOINTMENT_RATE_BOOK_PER_IP_PER_HOUR: '100000',
    APPOINTMENT_RATE_BOOK_PER_PHONE_PER_DAY: '100000',
    APPOINTMENT_RATE_MANAGE_PER_IP_PER_10MIN: '100000',
    APPOINTMENT_RATE_MANAGE_PER_PHONE_PER_HOUR: '100000',
    APPOINTMENT_RATE_ICS_PER_IP_PER_10MIN: '100000',
    APPOINTMENT_RATE_SLOTS_PER_IP_PER_MIN: '100000',
    // Tests book the first free slot, which in opening hours starts within the default 2-hour cancel
    // cut-off, and then cancel or move it; the cut-off has its own test (appointments/api.test.ts).
    APPOINTMENT_CANCEL_CLOSES_MINUTES: '0',
    ...overrides,
  });
}

export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export function buildTestApp(overrides: Record<string, string> = {}): { app: Koa<AppState>; config: Config; logger: Logger } {
  const config = testConfig(overrides);
  const logger = testLogger();
  return { app: createApp({ config, logger }), config, logger };
}
