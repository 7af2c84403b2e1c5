import Router from '@koa/router';
import { z } from 'zod';
import { notFound } from '../../lib/errors';
import { parseInput } from '../validate';
import type { AppState } from '../types';
import { findService, listServices, presentService } from '../../modules/services';

export const ServiceKeySchema = z.string().regex(/^[a-z_]{1,64}$/, '服务编号格式不正确');

export function servicesRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/services' });

  router.get('/', async (ctx) => {
    const services = await listServices();
    ctx.body = { services: services.map(presentService) };
  });

  router.get('/:key', async (ctx) => {
    const key = parseInput(ServiceKeySchema, ctx.params.key);
    const service = await findService(key);
    if (!service) throw notFound('未找到该服务事项（Service not found）', 'service_not_found');
    ctx.body = { service: presentService(service) };
  });

  return router;
}
