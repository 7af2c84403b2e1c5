/** The rate-limits module's front door: what other code may use. */
export { clientKey, purgeClientHashKeys } from './client-key';
export { createDailyLimiter, createRateLimiter, purgeRateSeats, type RateLimiter } from './rate-limit';
