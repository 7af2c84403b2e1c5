import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject, type oas31 } from 'zod-openapi';

/**
 * The HTTP API described (OpenAPI 3.1), for the people who integrate with it (a mini program, the
 * bureau's other systems). Each router's operations are declared in `src/http/routes/<domain>.doc.ts`,
 * beside the router, with the very zod schemas the router validates with; `docs/index.ts` lists
 * them all and test/foundation/openapi.test.ts fails when a mounted route is not described (or a
 * described one is not mounted). Served at GET /api/openapi.json, read at /api/docs/.
 */

/** Who may call an operation. */
export type Access =
  /** Anyone, without a session (what protects it instead is said in the summary or description). */
  | 'public'
  /** A signed-in officer of any role (room-scoped data is limited to the officer's rooms). */
  | 'officer'
  /** A signed-in officer of one of these roles. */
  | readonly ('officer' | 'supervisor' | 'admin' | 'volunteer')[];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation, in the router's own words: its method and koa path are the key, e.g. `POST /api/appointments/:code/cancel`. */
export interface RouteDoc {
  /** Chinese first, English after. */
  summary: string;
  description?: string;
  access: Access;
  /** Path parameters (`:code` in the koa path). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers that carry input (e.g. a tip's X-Tip-Secret). */
  headers?: z.ZodObject;
  /** A JSON body, unless `bodyType` says otherwise. */
  body?: z.ZodType;
  bodyType?: 'multipart/form-data' | 'text/xml';
  /** The success answer (JSON unless `responseType` says otherwise). */
  response?: z.ZodType;
  responseType?: ResponseType;
  /**
   * The same operation also answers in another type, e.g. a booking's look-up answers its calendar
   * file (text/calendar) when the code ends in `.ics`: `{ type, description }` says so beside the JSON answer.
   */
  alsoAnswers?: { type: ResponseType; description: string };
  /** The success status (200 unless said). */
  status?: 200 | 201 | 202 | 204;
  /** Error statuses besides the ones every operation of its kind has (400 with input, 401/403 with a session, 404 with a path parameter). */
  errors?: readonly (400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 503)[];
}

type ResponseType = 'text/csv' | 'text/calendar' | 'text/event-stream' | 'image/svg+xml' | 'text/plain' | 'application/octet-stream' | 'audio/wav';

export type RouteKey = `${Method} /${string}`;

/** The operations of one router (or group of routers), under one heading. */
export interface RouteDocs {
  tag: { name: string; description: string };
  routes: Partial<Record<RouteKey, RouteDoc>>;
}

/** The stable error shape every failure answers with. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. validation_failed, not_found, csrf_failed, rate_limited', example: 'validation_failed' }),
      message: z.string().meta({ description: 'For the person in front of the screen: Chinese first, English after', example: '请求内容有误：phone：手机号格式不正确（Invalid request）' }),
      detail: z.unknown().optional().meta({ description: 'Details where useful, e.g. each bad field of a validation failure: [{ path, message }]' }),
      requestId: z.string().optional().meta({ description: 'The request id, also in the X-Request-Id header and the server log' }),
    }),
  })
  .meta({ id: 'Error', description: '错误（the stable error shape）' });

/** `{ ok: true }`, the answer of many commands. */
export const OkSchema = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });

const ERROR_TEXT: Record<number, string> = {
  400: '请求内容有误（Bad request: a field fails validation or a rule of the service is not met）',
  401: '未登录或登录已过期（Not signed in）',
  403: '无权操作：角色不符、非本警务室、或 CSRF 校验失败（Forbidden: role, room scope, or CSRF token）',
  404: '未找到（Not found）',
  409: '状态冲突，例如时段已满（Conflict with the stored state, e.g. a full slot）',
  410: '已失效（Gone: expired or used up）',
  413: '内容过大（Too large）',
  415: '不支持的类型（Unsupported type）',
  429: '操作太频繁，请稍后再试；见 Retry-After（Too many requests; see Retry-After）',
  503: '服务暂时不可用，例如数据库不可用（Unavailable for now, e.g. the database）',
};

/** koa's `/api/rooms/:code` → OpenAPI's `/api/rooms/{code}`. */
export const openApiPath = (koaPath: string) => koaPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

function responses(doc: RouteDoc, needsSession: boolean): ZodOpenApiResponsesObject {
  const status = doc.status ?? 200;
  const out: Record<`${number}`, ZodOpenApiResponseObject> = {};
  if (status === 204) out['204'] = { description: '成功，无内容（Done, no content）' };
  else if (doc.responseType) out[`${status}`] = { description: '成功（Success）', content: { [doc.responseType]: { schema: z.string() } } };
  else {
    const also = doc.alsoAnswers ? { [doc.alsoAnswers.type]: { schema: z.string().meta({ description: doc.alsoAnswers.description }) } } : {};
    out[`${status}`] = { description: '成功（Success）', content: { 'application/json': { schema: doc.response ?? OkSchema }, ...also } };
  }
  const errors = new Set<number>(doc.errors ?? []);
  if (doc.params || doc.query || doc.body) errors.add(400);
  if (needsSession) [401, 403].forEach((s) => errors.add(s));
  if (doc.params) errors.add(404);
  errors.add(503);
  for (const s of [...errors].sort()) out[`${s}`] = { description: ERROR_TEXT[s], content: { 'application/json': { schema: ErrorBodySchema } } };
  return out;
}

function operation(key: string, doc: RouteDoc, tag: string): ZodOpenApiOperationObject {
  const method = key.slice(0, key.indexOf(' '));
  const needsSession = doc.access !== 'public';
  const roles = doc.access === 'public' ? [] : doc.access === 'officer' ? ['officer', 'supervisor', 'admin'] : doc.access;
  const op: ZodOpenApiOperationObject = {
    operationId: `${method.toLowerCase()}${key
      .slice(method.length + 1)
      .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: doc.summary,
    tags: [tag],
    responses: responses(doc, needsSession),
  };
  const description = [doc.description, needsSession ? `需要登录（Signed-in officer; roles: ${roles.join(', ')}）${method !== 'GET' ? '，并在 X-CSRF-Token 头带上登录时得到的 csrfToken（and the CSRF header）' : ''}。` : undefined]
    .filter(Boolean)
    .join('\n\n');
  if (description) op.description = description;
  if (doc.params || doc.query || doc.headers) {
    op.requestParams = { ...(doc.params ? { path: doc.params } : {}), ...(doc.query ? { query: doc.query } : {}), ...(doc.headers ? { header: doc.headers } : {}) };
  }
  if (doc.body) {
    const type = doc.bodyType ?? 'application/json';
    // A body the schema also accepts when absent (e.g. `{force?}` of the inbox commands) is optional.
    const required = type !== 'application/json' || !doc.body.safeParse(undefined).success;
    op.requestBody = { required, content: { [type]: { schema: doc.body } } };
  }
  // Officer endpoints: the session cookie; state-changing ones also the CSRF header. Public ones: none.
  op.security = !needsSession ? [] : method === 'GET' ? [{ session: [] }] : [{ session: [], csrf: [] }];
  return op;
}

/** Builds the OpenAPI 3.1 document from the routers' declarations. */
export function buildOpenApiDocument(all: readonly RouteDocs[], info: { version: string }): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const group of all) {
    for (const [key, doc] of Object.entries(group.routes) as [RouteKey, RouteDoc][]) {
      const [method, koaPath] = key.split(' ') as [Method, string];
      const item = (paths[openApiPath(koaPath)] ??= {});
      const m = method.toLowerCase() as Lowercase<Method>;
      if (item[m]) throw new Error(`OpenAPI: ${key} is described twice`);
      item[m] = operation(key, doc, group.tag.name);
    }
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: '网上警务室 API（Online police room）',
      version: info.version,
      description:
        '居民端（咨询、预约、举报、查询进度）与民警端（收件箱、预约日程、报表、管理）的 HTTP 接口。所有错误都以 `{"error": {"code", "message", "detail"?}}` 返回，message 中文在前。时间按北京时间（Asia/Shanghai）。\n\n' +
        'The HTTP API of residents (chat, bookings, tips, status) and officers (inbox, day view, reports, admin). Every failure answers `{"error": {"code", "message", "detail"?}}`, the message Chinese first. Officer endpoints need the session cookie from POST /api/auth/login; their state-changing methods also need the X-CSRF-Token header (the csrfToken of the login answer or GET /api/me).',
    },
    tags: all.map((g) => g.tag),
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'pr_session', description: '登录会话（POST /api/auth/login 设置的 HttpOnly cookie）' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: '防跨站请求伪造：登录回答中的 csrfToken（POST/PUT/DELETE 需要）' },
      },
    },
  });
}
