import Router from '@koa/router';
import { parseInput } from '../validate';
import type { AppContext, AppState } from '../types';
import { currentOfficer, requireOfficer } from '../middleware/auth';
import { recordAudit } from '../../modules/audit';
import { previewUnderstanding } from '../../modules/conversations';
import { createFaq, deleteFaq, getFaq, listFaq, loadActiveFaq, presentFaq, seedFaqIfEmpty, updateFaq } from '../../modules/faq';
import { FaqCreateSchema, FaqIdSchema, FaqListQuerySchema, FaqTrySchema, FaqUpdateSchema } from './faq.schema';

const actorOf = (ctx: AppContext) => {
  const me = currentOfficer(ctx.state);
  return { kind: 'officer' as const, id: me.id, name: me.name, username: me.username };
};

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

  // How a sample message is understood now, and with the entry in the form applied (before saving).
  router.post('/try', async (ctx) => {
    const req = parseInput(FaqTrySchema, ctx.request.body);
    await seedFaqIfEmpty();
    const current = await loadActiveFaq();
    const before = previewUnderstanding(req.text, current);
    let after = null;
    if (req.draft) {
      const id = req.draft.id ?? 'draft-entry';
      const draft = { id, question: req.draft.question, answer: req.draft.answer, keywords: req.draft.keywords, service: req.draft.service };
      after = previewUnderstanding(req.text, [...current.filter((e) => e.id !== id), draft]);
    }
    ctx.body = { before, after };
  });

  router.get('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    ctx.body = { faq: presentFaq(await getFaq(id)) };
  });

  router.post('/', async (ctx) => {
    const req = parseInput(FaqCreateSchema, ctx.request.body);
    const created = await createFaq(req);
    await recordAudit({ actor: actorOf(ctx), action: 'faq.create', detail: `${created.faqId}：${created.question}`.slice(0, 120) });
    ctx.status = 201;
    ctx.body = { faq: presentFaq(created) };
  });

  router.put('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    const req = parseInput(FaqUpdateSchema, ctx.request.body);
    const updated = await updateFaq(id, req);
    await recordAudit({ actor: actorOf(ctx), action: 'faq.update', detail: `${id}：${Object.keys(req).join('、')}` });
    ctx.body = { faq: presentFaq(updated) };
  });

  router.delete('/:id', async (ctx) => {
    const id = parseInput(FaqIdSchema, ctx.params.id);
    await deleteFaq(id);
    await recordAudit({ actor: actorOf(ctx), action: 'faq.delete', detail: id });
    ctx.status = 204;
  });

  return router;
}
