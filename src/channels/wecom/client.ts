import { createHash } from 'node:crypto';
import type { Logger } from '../../logging/logger';
import type { WecomSecret } from './settings';
import { WecomCallModel, WecomTokenModel, noteRoad, type WecomTokenDoc } from './wecom.models';

/**
 * The one caller of the WeCom API (https://developer.work.weixin.qq.com/document/path/90664).
 *
 * - Tokens: one per secret (customer service, app and customer contact have different ones),
 *   kept in memory and in the database (shared by instances), refreshed 5 minutes before they
 *   expire and whenever WeCom answers 40014 / 42001 / 40001 (the call is then repeated once).
 * - Retries: -1 (system busy) and 45009 / 45011 / 45033 (frequency limits), network failures and
 *   HTTP 5xx are retried with exponential backoff; anything else is the caller's to decide.
 * - Every call's errcode is stored with what it was for (WecomCall) and the road's last error
 *   is kept for the admins' status page.
 */
export const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
export const RETRY_ERRORS = new Set([-1, 45009, 45011, 45033]);
/** Refresh a token this long before WeCom says it expires. */
const EARLY_REFRESH_MS = 5 * 60_000;

export class WecomApiError extends Error {
  constructor(
    public readonly errcode: number,
    public readonly errmsg: string,
    public readonly api: string,
    public readonly purpose: string,
  ) {
    super(`WeCom ${api} (${purpose}) errcode ${errcode}: ${errmsg}`.slice(0, 400));
    this.name = 'WecomApiError';
  }
}

export interface WecomResponse {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export interface WecomCallRequest {
  /** API path under /cgi-bin, e.g. "kf/sync_msg". */
  api: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  body?: unknown;
  /** What the call is for (kept with its errcode), e.g. "reply", "pull", "talk-day task". */
  purpose: string;
}

export interface WecomClientOptions {
  base: string;
  corpId: string;
  logger: Logger;
  now?: () => Date;
  /** Attempts for retryable errors (default 4) and the first backoff (default 500 ms, doubled each time). */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

const ROAD_OF: Record<string, string> = { kf: 'kf', contact: 'groups', app: 'alerts', robot: 'alerts' };

export interface WecomClient {
  /** A call that needs an access token of `secret`. Resolves the JSON when errcode is 0; throws WecomApiError otherwise. */
  call<T extends WecomResponse = WecomResponse>(secret: WecomSecret, req: WecomCallRequest): Promise<T>;
  /** A group robot webhook (no token: the key is the credential). */
  robot(key: string, body: unknown, purpose: string): Promise<WecomResponse>;
  /** Downloads a media file (images, voice) of the customer-service account. */
  media(secret: WecomSecret, mediaId: string, purpose: string): Promise<{ data: Buffer; contentType: string }>;
  /** The current token (fetching one if needed); for status checks. */
  token(secret: WecomSecret): Promise<string>;
}

export function createWecomClient(options: WecomClientOptions): WecomClient {
  const now = options.now ?? (() => new Date());
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.logger.child({ wecom: true });
  const memory = new Map<string, { token: string; expiresAt: number }>();
  const inflight = new Map<string, Promise<string>>();

  const keyOf = (secret: WecomSecret) => createHash('sha256').update(`${options.corpId}\n${secret.secret}`).digest('hex').slice(0, 32);
  const fresh = (t: { expiresAt: number } | null | undefined) => !!t && t.expiresAt - EARLY_REFRESH_MS > now().getTime();

  async function record(secretName: string, api: string, purpose: string, errcode: number, errmsg: string | null, attempt: number, started: number): Promise<void> {
    const at = now();
    await WecomCallModel.create({ at, secret: secretName, api, purpose, errcode, errmsg: errmsg?.slice(0, 300) ?? null, attempt, ms: Date.now() - started }).catch(() => undefined);
    const road = ROAD_OF[secretName] ?? secretName;
    if (errcode === 0) await noteRoad(road, { lastCallAt: at });
    else await noteRoad(road, { lastCallAt: at, lastErrorAt: at, lastError: `${api}（${purpose}）errcode ${errcode}${errmsg ? `: ${errmsg}` : ''}`.slice(0, 300) });
  }

  async function http(url: string, method: 'GET' | 'POST', body: unknown): Promise<{ status: number; json: WecomResponse | null; raw: Response }> {
    const res = await fetch(url, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json') || type.includes('text/plain')) {
      const text = await res.text();
      try {
        return { status: res.status, json: JSON.parse(text) as WecomResponse, raw: res };
      } catch {
        return { status: res.status, json: null, raw: res };
      }
    }
    return { status: res.status, json: null, raw: res };
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Runs one HTTP exchange with retries for busy/limit/network failures; records each attempt. */
  async function withRetries(secretName: string, api: string, purpose: string, send: () => Promise<WecomResponse>): Promise<WecomResponse> {
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let json: WecomResponse;
      try {
        json = await send();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await record(secretName, api, purpose, -2, `network: ${reason}`, attempt, started);
        if (attempt >= attempts) throw new WecomApiError(-2, `network: ${reason}`, api, purpose);
        await sleep(backoffMs * 2 ** (attempt - 1));
        continue;
      }
      const errcode = Number(json.errcode ?? 0);
      await record(secretName, api, purpose, errcode, errcode ? String(json.errmsg ?? '') : null, attempt, started);
      if (errcode === 0) return json;
      if (RETRY_ERRORS.has(errcode) && attempt < attempts) {
        log.warn({ api, purpose, errcode, attempt }, 'WeCom busy or rate-limited; retrying');
        await sleep(backoffMs * 2 ** (attempt - 1));
        continue;
      }
      return json;
    }
  }

  async function fetchToken(secret: WecomSecret): Promise<string> {
    const url = `${options.base}/cgi-bin/gettoken?corpid=${encodeURIComponent(options.corpId)}&corpsecret=${encodeURIComponent(secret.secret)}`;
    const json = await withRetries(secret.name, 'gettoken', `token:${secret.name}`, async () => {
      const res = await http(url, 'GET', undefined);
      if (!res.json) throw new Error(`HTTP ${res.status}`);
      return res.json;
    });
    if (Number(json.errcode ?? 0) !== 0 || typeof json.access_token !== 'string') {
      throw new WecomApiError(Number(json.errcode ?? -3), String(json.errmsg ?? 'no access_token'), 'gettoken', `token:${secret.name}`);
    }
    const fetchedAt = now();
    const expiresAt = new Date(fetchedAt.getTime() + Number(json.expires_in ?? 7200) * 1000);
    const key = keyOf(secret);
    memory.set(key, { token: json.access_token, expiresAt: expiresAt.getTime() });
    await WecomTokenModel.updateOne({ _id: key }, { $set: { token: json.access_token, expiresAt, fetchedAt } }, { upsert: true }).catch(() => undefined);
    await noteRoad(ROAD_OF[secret.name] ?? secret.name, { tokenFetchedAt: fetchedAt, tokenExpiresAt: expiresAt });
    log.info({ secret: secret.name, expiresAt }, 'WeCom access token fetched');
    return json.access_token;
  }

  async function token(secret: WecomSecret, force = false): Promise<string> {
    const key = keyOf(secret);
    if (!force) {
      const hit = memory.get(key);
      if (fresh(hit)) return hit!.token;
      const shared = await WecomTokenModel.findById(key).lean<WecomTokenDoc>().catch(() => null);
      if (shared && fresh({ expiresAt: shared.expiresAt.getTime() })) {
        memory.set(key, { token: shared.token, expiresAt: shared.expiresAt.getTime() });
        return shared.token;
      }
    } else {
      memory.delete(key);
    }
    // One fetch per secret at a time in this process.
    let pending = inflight.get(key);
    if (!pending) {
      pending = fetchToken(secret).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  async function invalidate(secret: WecomSecret, stale: string): Promise<void> {
    const key = keyOf(secret);
    if (memory.get(key)?.token === stale) memory.delete(key);
    await WecomTokenModel.deleteOne({ _id: key, token: stale }).catch(() => undefined);
  }

  return {
    async call<T extends WecomResponse>(secret: WecomSecret, req: WecomCallRequest): Promise<T> {
      const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
      for (let round = 0; ; round++) {
        const tok = await token(secret, round > 0);
        const qs = new URLSearchParams({ access_token: tok, ...(req.query ?? {}) });
        const url = `${options.base}/cgi-bin/${req.api}?${qs.toString()}`;
        const json = await withRetries(secret.name, req.api, req.purpose, async () => {
          const res = await http(url, method, req.body);
          if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
          if (!res.json) throw new Error(`HTTP ${res.status}: not JSON`);
          return res.json;
        });
        const errcode = Number(json.errcode ?? 0);
        if (errcode === 0) return json as T;
        if (TOKEN_ERRORS.has(errcode) && round === 0) {
          log.info({ api: req.api, errcode }, 'WeCom token rejected; fetching a new one');
          await invalidate(secret, tok);
          continue;
        }
        throw new WecomApiError(errcode, String(json.errmsg ?? ''), req.api, req.purpose);
      }
    },

    async robot(key, body, purpose) {
      const url = `${options.base}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
      const json = await withRetries('robot', 'webhook/send', purpose, async () => {
        const res = await http(url, 'POST', body);
        if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
        if (!res.json) throw new Error(`HTTP ${res.status}: not JSON`);
        return res.json;
      });
      const errcode = Number(json.errcode ?? 0);
      if (errcode !== 0) throw new WecomApiError(errcode, String(json.errmsg ?? ''), 'webhook/send', purpose);
      return json;
    },

    async media(secret, mediaId, purpose) {
      for (let round = 0; ; round++) {
        const tok = await token(secret, round > 0);
        const url = `${options.base}/cgi-bin/media/get?access_token=${encodeURIComponent(tok)}&media_id=${encodeURIComponent(mediaId)}`;
        const started = Date.now();
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const type = res.headers.get('content-type') ?? '';
        if (!type.includes('json') && res.ok) {
          await record(secret.name, 'media/get', purpose, 0, null, 1, started);
          return { data: Buffer.from(await res.arrayBuffer()), contentType: type || 'application/octet-stream' };
        }
        const json = (await res.json().catch(() => ({ errcode: -3, errmsg: `HTTP ${res.status}` }))) as WecomResponse;
        const errcode = Number(json.errcode ?? -3);
        await record(secret.name, 'media/get', purpose, errcode, String(json.errmsg ?? ''), 1, started);
        if (TOKEN_ERRORS.has(errcode) && round === 0) {
          await invalidate(secret, tok);
          continue;
        }
        throw new WecomApiError(errcode, String(json.errmsg ?? ''), 'media/get', purpose);
      }
    },

    token: (secret) => token(secret),
  };
}
