import Router from '@koa/router';
import { parseInput } from '../validate';
import type { AppState } from '../types';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { officerSessions } from '../../modules/auth';
import { createOfficer, listOfficers, resetOfficerPassword, unlockOfficer, updateOfficer } from '../../modules/officers';
import { OfficerCreateSchema, OfficerListSchema, OfficerUpdateSchema } from './officers.schema';

/**
 * Officer accounts: admins create and edit them, reset passwords (a temporary one, shown once)
 * and lift sign-in delays; supervisors may list their district's officers.
 */
export function officersRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/officers' });

  router.get('/', requireOfficer(['supervisor', 'admin']), async (ctx) => {
    const query = parseInput(OfficerListSchema, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { officers: await listOfficers(currentOfficer(ctx.state), query, officerSessions) };
  });

  router.post('/', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(OfficerCreateSchema, ctx.request.body);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = await createOfficer(currentOfficer(ctx.state), input);
  });

  router.put('/:id', requireOfficer(['admin']), async (ctx) => {
    const input = parseInput(OfficerUpdateSchema, ctx.request.body);
    ctx.body = { officer: await updateOfficer(currentOfficer(ctx.state), String(ctx.params.id), input, officerSessions) };
  });

  router.post('/:id/reset-password', requireOfficer(['admin']), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await resetOfficerPassword(currentOfficer(ctx.state), String(ctx.params.id), officerSessions);
  });

  router.post('/:id/unlock', requireOfficer(['admin']), async (ctx) => {
    ctx.body = await unlockOfficer(currentOfficer(ctx.state), String(ctx.params.id), officerSessions);
  });

  return router;
}
