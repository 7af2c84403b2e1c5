import Router from '@koa/router';
import { deliveryStates } from '../../modules/outbox';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { AppDeps, AppState } from '../types';
import { notFound } from '../../lib/errors';
import { parseInput } from '../validate';
import { createJobEnv, findNotification, latestNotifications, markNotificationRead, recentRuns } from '../../modules/notices';
import { allJobs } from '../../jobs/registry';
import { accessibleRoomCodes } from '../../modules/auth';
import { currentOfficer, requireOfficer } from '../middleware/auth';

const visibleTo = (codes: string[] | 'all') => (rooms: readonly string[]) => codes === 'all' || rooms.length === 0 || rooms.some((r) => codes.includes(r));

export const UpcomingQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) });
export const RunsQuerySchema = z.object({ job: z.string().max(60).optional(), limit: z.coerce.number().int().min(1).max(100).default(30) });

/** /api/jobs — what the scheduler will do next and what each run sent, for the officer's rooms; the officer's own notices. */
export function jobsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/jobs' });
  const env = createJobEnv({ config: deps.config, logger: deps.logger, now: deps.now });
  const jobs = allJobs();
  const labels = new Map(jobs.map((j) => [j.name, j.label]));

  router.get('/upcoming', requireOfficer(), async (ctx) => {
    const { limit } = parseInput(UpcomingQuerySchema, ctx.query);
    const visible = visibleTo(await accessibleRoomCodes(currentOfficer(ctx.state)));
    const now = env.now();
    const out = [];
    for (const job of jobs) {
      const slots = (await job.upcoming(now, env, limit * 4)).filter((s) => visible(s.rooms ?? [])).slice(0, limit);
      out.push({ job: job.name, label: job.label, next: slots.map((s) => ({ runKey: s.runKey, at: s.at, label: s.label ?? null, rooms: s.rooms ?? [] })) });
    }
    ctx.body = { now, jobs: out };
  });

  router.get('/runs', requireOfficer(), async (ctx) => {
    const q = parseInput(RunsQuerySchema, ctx.query);
    const codes = await accessibleRoomCodes(currentOfficer(ctx.state));
    const visible = visibleTo(codes);
    const { runs, deliveries } = await recentRuns({ job: q.job, rooms: codes, limit: q.limit });
    const shown = deliveries.filter((d) => visible(d.room ? [d.room] : []));
    const messages = await deliveryStates(shown.map((d) => d.key));
    const byKey = new Map(messages.map((m) => [m.key, m]));
    ctx.body = {
      runs: runs.map((r) => ({
        id: String(r._id),
        job: r.job,
        jobLabel: labels.get(r.job) ?? r.job,
        runKey: r.runKey,
        slotAt: r.slotAt,
        rooms: r.rooms,
        status: r.status,
        attempt: r.attempt,
        catchUp: r.catchUp,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt ?? null,
        error: r.lastError ?? null,
        deliveries: shown
          .filter((d) => d.job === r.job && d.runKey === r.runKey)
          .map((d) => {
            const m = byKey.get(d.key);
            return { audience: d.audience, room: d.room, recipient: d.label ?? '（未命名）', status: m?.status ?? 'pending', notBefore: m?.nextAttemptAt ?? null, sentAt: m?.sentAt ?? null, error: m?.lastError ?? null };
          }),
      })),
    };
  });

  router.get('/notifications', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    const list = await latestNotifications(officer.id, 50);
    ctx.body = {
      notifications: list.map((n) => ({ id: String(n._id), kind: n.kind, room: n.room, text: n.text, at: n.at, readAt: n.readAt ?? null })),
      unread: list.filter((n) => !n.readAt).length,
    };
  });

  router.post('/notifications/:id/read', requireOfficer(), async (ctx) => {
    const officer = currentOfficer(ctx.state);
    if (!Types.ObjectId.isValid(ctx.params.id)) throw notFound();
    const n = await findNotification(ctx.params.id);
    if (n && String(n.officer) !== officer.id) {
      // Another officer's notice: answered as if it did not exist, but the attempt is logged.
      ctx.state.log.warn({ officer: officer.username, path: ctx.path, method: ctx.method }, 'access refused: notification of another officer');
    }
    if (!n || String(n.officer) !== officer.id) throw notFound('未找到该提醒（Notification not found）');
    await markNotificationRead(n, env.now());
    ctx.body = { ok: true };
  });

  return router;
}
