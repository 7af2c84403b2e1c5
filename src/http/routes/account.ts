import Router from '@koa/router';
import { parseInput } from '../validate';
import type { AppState } from '../types';
import { recordAudit } from '../../modules/audit';
import { changeOwnPassword, endOfficerSessions, endOwnSession, listOwnSessions } from '../../modules/auth';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { ChangePasswordSchema } from './auth.schema';

/**
 * /api/account: every officer's own account — change the password (also the forced change after
 * a first or temporary password), see the open sessions, sign them out.
 */
export function accountRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/account' });
  router.use(requireOfficer());

  router.post('/password', async (ctx) => {
    const input = parseInput(ChangePasswordSchema, ctx.request.body);
    const me = currentOfficer(ctx.state);
    await changeOwnPassword({ officer: me, currentPassword: input.currentPassword, newPassword: input.newPassword });
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'account.password', detail: me.username });
    ctx.body = { ok: true };
  });

  router.get('/sessions', async (ctx) => {
    const me = currentOfficer(ctx.state);
    const sessions = await listOwnSessions(me.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      sessions: sessions.map((s) => ({
        id: String(s._id),
        current: String(s._id) === me.sessionId,
        signedInAt: (s.createdAt as Date | undefined)?.toISOString() ?? null,
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        ip: s.ip ?? null,
      })),
    };
  });

  // Idempotent: an id that is not one of the caller's open sessions ends nothing and answers the same.
  router.delete('/sessions/:id', async (ctx) => {
    const me = currentOfficer(ctx.state);
    const ended = await endOwnSession(me.id, String(ctx.params.id));
    if (ended) await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'account.session_end', detail: me.username });
    ctx.status = 204;
  });

  router.post('/sessions/end-others', async (ctx) => {
    const me = currentOfficer(ctx.state);
    const count = await endOfficerSessions(me.id, me.sessionId);
    await recordAudit({ actor: { kind: 'officer', id: me.id, name: me.name, username: me.username }, action: 'account.session_end', detail: `${me.username}：其他 ${count} 个会话` });
    ctx.body = { ended: count };
  });

  return router;
}
