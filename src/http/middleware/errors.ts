import type { Middleware } from 'koa';
import mongoose from 'mongoose';
import { DomainError, type ErrorKind } from '../../lib/errors';
import { isDatabaseDown } from '../../storage/database-errors';
import { isDuplicateKeyError } from '../../storage/unique-insert';
import type { AppState } from '../types';

/** What the client is told: a status, a stable code and a message (4xx messages as thrown). */
interface HttpError {
  status: number;
  code: string;
  message: string;
  detail?: unknown;
  retryAfterSeconds?: number;
}

/** The one place where a domain error becomes an HTTP status. */
const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const httpError = (status: number, code: string, message: string, detail?: unknown): HttpError => ({ status, code, message, detail });

interface ErrorBody {
  error: { code: string; message: string; detail?: unknown; requestId?: string };
}

/** Maps anything thrown below it onto the stable error shape; only 4xx messages are shown as-is. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof DomainError) {
    return { status: STATUS_OF_KIND[err.kind], code: err.code, message: err.message, detail: err.detail, retryAfterSeconds: err.retryAfterSeconds };
  }
  if (err instanceof mongoose.Error.ValidationError) {
    const detail = Object.values(err.errors).map((e) => ({ path: e.path, message: e.message }));
    return httpError(400, 'validation_failed', `数据校验失败：${detail.map((d) => d.path).join('、')}（Validation failed）`, detail);
  }
  if (err instanceof mongoose.Error.CastError) {
    return httpError(400, 'invalid_id', `参数格式不正确：${err.path}（Invalid value）`);
  }
  if (isDuplicateKeyError(err)) return httpError(409, 'duplicate', '记录已存在（Already exists）');
  if (isDatabaseDown(err)) return httpError(503, 'database_unavailable', '数据库暂时不可用，请稍后再试（Database unavailable）');
  const httpErr = err as { status?: number; statusCode?: number; expose?: boolean; type?: string };
  const status = httpErr.status ?? httpErr.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return httpError(413, 'payload_too_large', '提交的内容太大（Payload too large）');
    if (status === 415) return httpError(415, 'unsupported_media_type', '不支持的内容类型，请使用 JSON（Unsupported media type）');
    if (httpErr.type === 'entity.parse.failed' || status === 400) {
      return httpError(400, 'malformed_body', '请求内容不是有效的 JSON（Malformed JSON body）');
    }
    if (status === 404) return httpError(404, 'not_found', '未找到（Not found）');
    if (status === 405) return httpError(405, 'method_not_allowed', '不支持该请求方法（Method not allowed）');
    return httpError(status, 'bad_request', '请求有误（Bad request）');
  }
  return httpError(500, 'internal_error', '服务器内部错误，请稍后再试（Internal error）');
}

export function errorHandler(): Middleware<AppState> {
  return async function errorHandlerMiddleware(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new DomainError('not_found', 'not_found', '未找到该地址（Route not found）');
      }
    } catch (err) {
      const answer = toHttpError(err);
      if (answer.code === 'database_unavailable') {
        // Expected while the database is down (readiness and the driver's reconnects report the
        // outage itself): one warning per refused request, not an error each.
        ctx.state.log?.warn({ err: (err as Error)?.message }, 'request refused: database unavailable');
      } else if (answer.status >= 500) {
        ctx.state.log?.error({ err }, 'request failed');
      }
      const body: ErrorBody = { error: { code: answer.code, message: answer.message } };
      if (answer.detail !== undefined) body.error.detail = answer.detail;
      if (answer.status >= 500) body.error.requestId = ctx.state.requestId;
      ctx.status = answer.status;
      ctx.body = body;
      if (answer.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(answer.retryAfterSeconds))));
      else if (answer.status === 503) ctx.set('Retry-After', '5');
    }
  };
}
