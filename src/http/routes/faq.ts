import Router from '@koa/router';
import { parseInput } from '../validate';
import type { AppState } from '../types';
import { requireOfficer } from '../middleware/auth';
import { presentFaq } from '../../modules/faq/faq.presenter';
import { FaqCreateSchema, FaqIdSchema, FaqListQuerySchema, FaqUpdateSchema } from './faq.schema';
import { createFaq, deleteFaq, getFaq, listFaq, seedFaqIfEmpty, updateFaq } from '../../modules/faq/faq.service';

/** /api/faq: the bot's knowledge base, edited by admins only. */
export function faqRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/faq' });
  router.use(requireOfficer(['admin']));

  router.get('/', async (ctx) => {
    const query = parseInput(FaqListQuerySchema, ctx.query);
    await seedFaqIfEmpty();
    const entries = await listFaq(query);
    ctx.body = { faq: entries.map(presentFaq), total: entries.length };
  });

  router.get('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    ctx.body = { faq: presentFaq(await getFaq(id)) };
  });

  router.post('/', async (ctx) => {
    const req = parseInput(FaqCreateSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { faq: presentFaq(await createFaq(req)) };
  });

  router.put('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    const req = parseInput(FaqUpdateSchema, ctx.request.body);
    ctx.body = { faq: presentFaq(await updateFaq(id, req)) };
  });

  router.delete('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    await deleteFaq(id);
    ctx.status = 204;
  });

  return router;
}
