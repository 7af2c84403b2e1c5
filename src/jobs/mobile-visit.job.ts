import { findVisit, type MobileVisit, noticeAt, visitNoticeText, visitRecipients, visitsStartingBetween } from '../modules/mobile-visits';
import { groupAddress, type JobDefinition, type JobEnv, type JobSlot } from '../modules/notices';

/** 流动警务室: the day before each stop, a notice to the groups near it. One run per visit: `mobilevisit:<id>`. */
export const MOBILE_VISIT_JOB = 'mobile-visit';

const DAY_MS = 24 * 3600_000;

function slotOf(v: MobileVisit, env: JobEnv): JobSlot | null {
  const at = noticeAt(v, env.zone);
  if (!at) return null;
  return {
    runKey: `mobilevisit:${String(v._id)}`,
    at,
    rooms: [...new Set([v.room, ...v.targetRooms])],
    payload: { visit: String(v._id) },
    label: `${v.place} 停靠前一天通知`,
  };
}

export function mobileVisitJob(): JobDefinition {
  return {
    name: MOBILE_VISIT_JOB,
    label: '流动警务室停靠通知',
    async slotsBetween(from, to, env) {
      // A notice goes out at most ~2 days before its visit (day before, or at entry).
      const visits = await visitsStartingBetween(from, new Date(to.getTime() + 2 * DAY_MS));
      return visits.map((v) => slotOf(v, env)).filter((s): s is JobSlot => s !== null && s.at > from && s.at <= to);
    },
    async upcoming(after, env, limit) {
      const visits = await visitsStartingBetween(after, new Date(after.getTime() + 60 * DAY_MS));
      return visits
        .map((v) => slotOf(v, env))
        .filter((s): s is JobSlot => s !== null && s.at > after)
        .slice(0, limit);
    },
    async run(ctx) {
      const visit = await findVisit(String(ctx.payload.visit));
      if (!visit || visit.cancelledAt) return;
      const text = await visitNoticeText(visit, ctx.env.zone);
      for (const group of await visitRecipients(visit)) {
        await ctx.deliver({ recipient: group.conversationId, room: group.room, audience: 'group', label: group.topic, to: groupAddress(group), text, purpose: 'notice' });
      }
    },
  };
}
