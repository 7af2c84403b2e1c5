import { purgeParkedVoices } from '../channels/wecom-kf';
import { purgeExpiredSessions, purgeLoginFailures } from '../modules/auth';
import { purgeEmergencyWindows, purgeIdleConversationStates } from '../modules/conversations';
import { purgeDeliveredMessages, purgeRateSlots } from '../modules/outbox';
import { purgeClientHashKeys, purgeRateSeats } from '../modules/rate-limits';
import { purgeVerification } from '../modules/verification';
import { nextSlots, slotKey, slotsBetween, type ScheduleSpec } from './schedule';
import type { JobDefinition } from '../modules/notices';

/**
 * Nightly clean-up of short-lived records, since FerretDB has no TTL indexes: conversation
 * memory idle for 30 days, rate-limit seats of ended windows, SMS verification codes, tries
 * and grants that are over, expired sessions, WeChat Customer Service recordings parked for a
 * resident who never picked a room (after 3 days: the channel's reply window is 48 h) and failed
 * logins older than a week (the lockout looks back 15 minutes; a week keeps them for review).
 * Every step is an idempotent deleteMany, so a resumed run is harmless. It runs wherever the
 * scheduler runs, so web-only and bot deployments are covered alike.
 */
export const HOUSEKEEPING_JOB = 'housekeeping';
const spec: ScheduleSpec = { kind: 'daily', times: ['03:40'] };
const CONVERSATION_MEMORY_DAYS = 30;
const LOGIN_FAILURE_DAYS = 7;
const PARKED_VOICE_DAYS = 3;
const label = '夜间清理过期数据';

export function housekeepingJob(): JobDefinition {
  return {
    name: HOUSEKEEPING_JOB,
    label: '夜间数据清理',
    async slotsBetween(from, to, env) {
      return slotsBetween(spec, from, to, env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    async upcoming(after, env, limit) {
      return nextSlots(spec, after, Math.min(limit, 2), env.zone).map((at) => ({ runKey: slotKey(at, env.zone), at, label }));
    },
    async run(ctx) {
      const now = ctx.env.now();
      const conversations = await purgeIdleConversationStates(now, CONVERSATION_MEMORY_DAYS);
      await purgeRateSeats(now);
      await purgeEmergencyWindows(now);
      // Send counts of channel windows (48 h at most) are kept three days.
      await purgeRateSlots(new Date(now.getTime() - 3 * 86_400_000));
      // Yesterday's and older keys of the client-address hash: their hashes become unlinkable.
      await purgeClientHashKeys(now);
      const outbox = await purgeDeliveredMessages(now, ctx.env.config.OUTBOX_RETENTION_DAYS);
      const verification = await purgeVerification(now);
      const sessions = await purgeExpiredSessions(now);
      const failures = await purgeLoginFailures(new Date(now.getTime() - LOGIN_FAILURE_DAYS * 86_400_000));
      const parkedVoices = await purgeParkedVoices(new Date(now.getTime() - PARKED_VOICE_DAYS * 86_400_000));
      ctx.env.logger.info({ job: HOUSEKEEPING_JOB, conversations, sessions, failures, verification, outbox, parkedVoices }, 'housekeeping finished');
    },
  };
}
