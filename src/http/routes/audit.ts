import Router from '@koa/router';
import { z } from 'zod';
import { parseInput, roomCodeSchema } from '../validate';
import type { AppState } from '../types';
import { accessibleRoomCodes } from '../../modules/auth';
import { assertRoomAccess, currentOfficer, requireOfficer } from '../middleware/auth';
import { presentAuditEntry } from '../../modules/audit/audit.presenter';
import { listAudit } from '../../modules/audit/audit.service';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, '编号格式不正确');

const AuditQuerySchema = z.object({
  room: roomCodeSchema.optional(),
  item: objectId.optional(),
  officer: objectId.optional(),
  action: z.string().trim().regex(/^[a-z_.]{2,40}$/).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** GET /api/audit — the 工作日志, for supervisors (their district) and admins. */
export function auditRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/audit' });

  router.get('/', requireOfficer(['supervisor', 'admin']), async (ctx) => {
    const query = parseInput(AuditQuerySchema, ctx.query);
    const officer = currentOfficer(ctx.state);
    if (query.room) await assertRoomAccess(ctx, query.room);
    const entries = await listAudit({ ...query, rooms: await accessibleRoomCodes(officer) });
    ctx.body = { entries: entries.map(presentAuditEntry) };
  });

  return router;
}
