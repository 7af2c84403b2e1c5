import type { Middleware } from 'koa';
import mongoose from 'mongoose';
import { AppError } from '../errors';
import { isDuplicateKeyError } from '../../storage/unique-insert';
import type { AppState } from '../types';

interface ErrorBody {
  error: { code: string; message: string; detail?: unknown; requestId?: string };
}

const DB_DOWN_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (DB_DOWN_NAMES.has(err.name)) return true;
  // mongoose's "Operation `x.find()` buffering timed out after 3000ms"; Node's EPIPE when the
  // driver writes to a socket the database closed while shutting down, and FerretDB's "context
  // canceled" for a command cut off by its shutdown (both seen as 500s before).
  // SQLite's "database is locked" (SQLITE_BUSY) is FerretDB waiting out its 10 s busy timeout
  // under extreme write contention: transient, so a retryable 503 rather than a 500.
  return /buffering timed out|connection .* closed|ECONNREFUSED|socket has been ended by the other party|\] context canceled$|database is locked|SQLITE_BUSY/i.test(err.message);
}

/** Maps anything thrown below it onto the stable error shape; only 4xx messages are shown as-is. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof mongoose.Error.ValidationError) {
    const detail = Object.values(err.errors).map((e) => ({ path: e.path, message: e.message }));
    return new AppError(400, 'validation_failed', `数据校验失败：${detail.map((d) => d.path).join('、')}（Validation failed）`, detail);
  }
  if (err instanceof mongoose.Error.CastError) {
    return new AppError(400, 'invalid_id', `参数格式不正确：${err.path}（Invalid value）`);
  }
  if (isDuplicateKeyError(err)) return new AppError(409, 'duplicate', '记录已存在（Already exists）');
  if (isDatabaseDown(err)) return new AppError(503, 'database_unavailable', '数据库暂时不可用，请稍后再试（Database unavailable）');
  const httpErr = err as { status?: number; statusCode?: number; expose?: boolean; type?: string };
  const status = httpErr.status ?? httpErr.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new AppError(413, 'payload_too_large', '提交的内容太大（Payload too large）');
    if (status === 415) return new AppError(415, 'unsupported_media_type', '不支持的内容类型，请使用 JSON（Unsupported media type）');
    if (httpErr.type === 'entity.parse.failed' || status === 400) {
      return new AppError(400, 'malformed_body', '请求内容不是有效的 JSON（Malformed JSON body）');
    }
    if (status === 404) return new AppError(404, 'not_found', '未找到（Not found）');
    if (status === 405) return new AppError(405, 'method_not_allowed', '不支持该请求方法（Method not allowed）');
    return new AppError(status, 'bad_request', '请求有误（Bad request）');
  }
  return new AppError(500, 'internal_error', '服务器内部错误，请稍后再试（Internal error）');
}

export function errorHandler(): Middleware<AppState> {
  return async function errorHandlerMiddleware(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', '未找到该地址（Route not found）');
      }
    } catch (err) {
      const appError = toAppError(err);
      if (appError.code === 'database_unavailable') {
        // Expected while the database is down (readiness and the driver's reconnects report the
        // outage itself): one warning per refused request, not an error each.
        ctx.state.log?.warn({ err: (err as Error)?.message }, 'request refused: database unavailable');
      } else if (appError.status >= 500) {
        ctx.state.log?.error({ err }, 'request failed');
      }
      const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
      if (appError.detail !== undefined) body.error.detail = appError.detail;
      if (appError.status >= 500) body.error.requestId = ctx.state.requestId;
      ctx.status = appError.status;
      ctx.body = body;
      if (appError.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(appError.retryAfterSeconds))));
      else if (appError.status === 503) ctx.set('Retry-After', '5');
    }
  };
}
