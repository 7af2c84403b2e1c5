/**
 * Errors the service answers with. Each has an HTTP status, a stable machine-readable
 * code, and a message for the person in front of the screen: Chinese first, English after.
 * The error middleware turns them (and database errors) into
 * `{"error": {"code", "message", "detail"?}}`.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly detail?: unknown,
    /** Sent as Retry-After (seconds) with 429/503, so clients know when to try again. */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message = '请求内容有误（Bad request）', detail?: unknown, code = 'bad_request') =>
  new AppError(400, code, message, detail);
export const validationFailed = (message: string, detail?: unknown) => new AppError(400, 'validation_failed', message, detail);
export const unauthorized = (message = '请先登录（Login required）') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = '无权访问（Forbidden）') => new AppError(403, 'forbidden', message);
export const notFound = (message = '未找到（Not found）', code = 'not_found') => new AppError(404, code, message);
export const conflict = (message: string, code = 'conflict', detail?: unknown) => new AppError(409, code, message, detail);
export const tooManyRequests = (message = '操作太频繁，请稍后再试（Too many requests）') => new AppError(429, 'rate_limited', message);
export const serviceUnavailable = (message = '服务暂时不可用，请稍后再试（Service unavailable）') =>
  new AppError(503, 'service_unavailable', message);
