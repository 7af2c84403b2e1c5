/**
 * Errors the business throws. Each names what went wrong in domain words (its `kind`), a stable
 * machine-readable `code`, and a message for the person in front of the screen: Chinese first,
 * English after. Business code knows nothing of HTTP: the HTTP error middleware
 * (src/http/middleware/errors.ts) maps the kind onto a status code and answers with
 * `{"error": {"code", "message", "detail"?}}`; a channel (chat, WeChat) shows the message.
 */
export type ErrorKind =
  /** The request itself is wrong (a bad value, a rule of the service not met). */
  | 'invalid'
  /** Nobody (or the wrong password) is logged in. */
  | 'unauthenticated'
  /** The caller may not do this (another room's work, a blocked phone number). */
  | 'forbidden'
  | 'not_found'
  /** The state of a record says no (a full slot, an item another officer holds). */
  | 'conflict'
  /** An upload bigger than allowed. */
  | 'too_large'
  /** An upload of a type we do not take. */
  | 'unsupported_type'
  /** Too many attempts: try again later (`retryAfterSeconds` says when). */
  | 'rate_limited'
  /** Something the business relies on is down for now. */
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    public readonly code: string,
    message: string,
    public readonly detail?: unknown,
    /** How long until a retry may succeed (seconds), for 'rate_limited' and 'unavailable'. */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (message = '请求内容有误（Bad request）', detail?: unknown, code = 'bad_request') =>
  new DomainError('invalid', code, message, detail);
export const validationFailed = (message: string, detail?: unknown) => new DomainError('invalid', 'validation_failed', message, detail);
export const unauthorized = (message = '请先登录（Login required）', code = 'unauthorized') => new DomainError('unauthenticated', code, message);
export const forbidden = (message = '无权访问（Forbidden）', code = 'forbidden', detail?: unknown) =>
  new DomainError('forbidden', code, message, detail);
export const notFound = (message = '未找到（Not found）', code = 'not_found') => new DomainError('not_found', code, message);
export const conflict = (message: string, code = 'conflict', detail?: unknown) => new DomainError('conflict', code, message, detail);
export const tooLarge = (message: string, code = 'too_large') => new DomainError('too_large', code, message);
export const unsupportedType = (message: string, code = 'unsupported_type') => new DomainError('unsupported_type', code, message);
export const tooManyRequests = (message = '操作太频繁，请稍后再试（Too many requests）', code = 'rate_limited', retryAfterSeconds?: number) =>
  new DomainError('rate_limited', code, message, undefined, retryAfterSeconds);
