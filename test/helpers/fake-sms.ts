import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the SMS gateways, written from their public API descriptions; tests never
 * reach the real clouds.
 *  - webhook: `POST /webhook` with JSON {phone, purpose, params, text} and `X-Sms-Signature:
 *    sha256=<HMAC-SHA256 of the body>`; a wrong signature is answered 401 and not recorded.
 *  - Tencent Cloud SMS API 3.0 (2021-01-11): `POST /` with `X-TC-Action: SendSms`, a TC3-HMAC-SHA256
 *    Authorization and a JSON body; answers `{"Response": {"SendStatusSet": [...], "RequestId"}}`.
 *  - Alibaba Cloud Dysmsapi (2017-05-25, RPC style): `POST /?PhoneNumbers=…&SignName=…&TemplateCode=…&TemplateParam=…`
 *    with `x-acs-action: SendSms` and an ACS3-HMAC-SHA256 Authorization; answers `{"Code": "OK", "BizId", "RequestId", "Message"}`.
 */
export interface FakeSms {
  provider: 'webhook' | 'tencent' | 'aliyun';
  phone: string;
  /** webhook only (the clouds get a template id). */
  purpose: string | null;
  templateId: string | null;
  signName: string | null;
  /** webhook/aliyun: named parameters; tencent: the ordered TemplateParamSet as {"0": …, "1": …}. */
  params: Record<string, string>;
  text: string | null;
  at: Date;
}

export interface FakeGateway {
  url: string;
  /** `127.0.0.1:<port>` (what the SDKs take as endpoint host). */
  host: string;
  sent: FakeSms[];
  /** Raw requests, signature checks included, for assertions on the wire format. */
  requests: Array<{ provider: string; headers: IncomingMessage['headers']; body: string; query: Record<string, string> }>;
  /** The next `n` sends fail: 'down' answers HTTP 500, otherwise the cloud's error code (e.g. 'InvalidParameterValue.IncorrectPhoneNumber'). */
  failNext(n: number, how?: string): void;
  /** Waits until at least `n` texts arrived (polls; the sender is asynchronous). */
  waitFor(n: number, timeoutMs?: number): Promise<FakeSms[]>;
  /** Texts to one number, newest last. */
  to(phone: string): FakeSms[];
  /** The last 6-digit code texted to `phone`. */
  lastCode(phone: string): string | null;
  clear(): void;
  stop(): Promise<void>;
}

export async function startFakeGateway(options: { webhookSecret?: string; tencentSecretId?: string; aliyunKeyId?: string } = {}): Promise<FakeGateway> {
  const sent: FakeSms[] = [];
  const requests: FakeGateway['requests'] = [];
  let failures: Array<string> = [];

  const server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams.entries());
      const json = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const failure = failures.shift();

      if (url.pathname === '/webhook') {
        requests.push({ provider: 'webhook', headers: req.headers, body, query });
        const expected = `sha256=${createHmac('sha256', options.webhookSecret ?? '').update(body, 'utf8').digest('hex')}`;
        const got = String(req.headers['x-sms-signature'] ?? '');
        if (got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected))) return json(401, { error: 'bad signature' });
        if (failure === 'down') return json(500, { error: 'gateway down' });
        if (failure) return json(400, { error: failure });
        const m = JSON.parse(body) as { phone: string; purpose: string; params: Record<string, string>; text: string };
        sent.push({ provider: 'webhook', phone: m.phone, purpose: m.purpose, templateId: null, signName: null, params: m.params, text: m.text, at: new Date() });
        return json(200, { id: randomUUID() });
      }

      if (req.headers['x-tc-action'] === 'SendSms') {
        requests.push({ provider: 'tencent', headers: req.headers, body, query });
        const requestId = randomUUID();
        const auth = String(req.headers.authorization ?? '');
        if (!auth.startsWith(`TC3-HMAC-SHA256 Credential=${options.tencentSecretId ?? ''}/`) || !auth.includes('Signature=')) {
          return json(200, { Response: { Error: { Code: 'AuthFailure.SecretIdNotFound', Message: 'The SecretId is not found' }, RequestId: requestId } });
        }
        if (failure === 'down') return json(500, {});
        const r = JSON.parse(body) as { PhoneNumberSet: string[]; SmsSdkAppId: string; SignName: string; TemplateId: string; TemplateParamSet?: string[] };
        if (failure) {
          return json(200, { Response: { SendStatusSet: r.PhoneNumberSet.map((p) => ({ SerialNo: '', PhoneNumber: p, Fee: 0, SessionContext: '', Code: failure, Message: 'fake failure', IsoCode: 'CN' })), RequestId: requestId } });
        }
        for (const p of r.PhoneNumberSet) {
          sent.push({ provider: 'tencent', phone: p.replace(/^\+86/, ''), purpose: null, templateId: r.TemplateId, signName: r.SignName, params: Object.fromEntries((r.TemplateParamSet ?? []).map((v, i) => [String(i), v])), text: null, at: new Date() });
        }
        return json(200, {
          Response: {
            SendStatusSet: r.PhoneNumberSet.map((p) => ({ SerialNo: `2645:${randomUUID()}`, PhoneNumber: p, Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' })),
            RequestId: requestId,
          },
        });
      }

      if (req.headers['x-acs-action'] === 'SendSms') {
        requests.push({ provider: 'aliyun', headers: req.headers, body, query });
        const requestId = randomUUID();
        const auth = String(req.headers.authorization ?? '');
        if (!auth.startsWith(`ACS3-HMAC-SHA256 Credential=${options.aliyunKeyId ?? ''},`)) {
          return json(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', RequestId: requestId });
        }
        if (failure === 'down') return json(503, { Code: 'ServiceUnavailable', Message: 'fake outage', RequestId: requestId });
        if (failure) return json(200, { Code: failure, Message: 'fake failure', RequestId: requestId });
        const params = JSON.parse(query.TemplateParam ?? '{}') as Record<string, string>;
        for (const p of (query.PhoneNumbers ?? '').split(',')) {
          sent.push({ provider: 'aliyun', phone: p, purpose: null, templateId: query.TemplateCode ?? null, signName: query.SignName ?? null, params, text: null, at: new Date() });
        }
        return json(200, { Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0`, RequestId: requestId });
      }

      json(404, { error: 'unknown fake endpoint' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const gateway: FakeGateway = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    sent,
    requests,
    failNext(n, how = 'down') {
      failures = Array.from({ length: n }, () => how);
    },
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (sent.length < n) {
        if (Date.now() > until) throw new Error(`fake SMS gateway: expected ${n} texts, got ${sent.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sent;
    },
    to(phone) {
      return sent.filter((s) => s.phone === phone);
    },
    lastCode(phone) {
      const texts = sent.filter((s) => s.phone === phone && (s.purpose === 'verify' || s.purpose === null));
      const last = texts[texts.length - 1];
      if (!last) return null;
      return last.params.code ?? last.params['0'] ?? null;
    },
    clear() {
      sent.length = 0;
      requests.length = 0;
      failures = [];
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return gateway;
}
