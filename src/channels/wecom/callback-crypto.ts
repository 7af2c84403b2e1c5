import { timingSafeEqual } from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';
import { XMLParser } from 'fast-xml-parser';

/**
 * WeCom callbacks (https://developer.work.weixin.qq.com/document/path/90968): the URL is
 * verified with a signed, encrypted `echostr`; events arrive as XML whose `Encrypt` element is
 * the AES-encrypted event, signed with SHA1(sort(token, timestamp, nonce, ciphertext)).
 * Tencent's own @wecom/crypto does the signing and AES; this file checks what it returns.
 */
export interface CallbackKeys {
  token: string;
  aesKey: string;
  corpId: string;
}

export class CallbackError extends Error {
  constructor(
    public readonly code: 'bad_signature' | 'bad_request' | 'wrong_corp' | 'stale',
    message: string,
  ) {
    super(message);
    this.name = 'CallbackError';
  }
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, processEntities: false });

export function parseXml(xml: string): Record<string, unknown> {
  const doc = parser.parse(xml) as { xml?: Record<string, unknown> };
  if (!doc || typeof doc !== 'object' || !doc.xml || typeof doc.xml !== 'object') throw new CallbackError('bad_request', 'not a WeCom XML message');
  return doc.xml;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Signed {
  msg_signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
}

function checkSignature(keys: CallbackKeys, q: Signed, encrypted: string, now: Date, maxSkewSeconds: number): void {
  const sig = typeof q.msg_signature === 'string' ? q.msg_signature : '';
  const ts = typeof q.timestamp === 'string' ? q.timestamp : '';
  const nonce = typeof q.nonce === 'string' ? q.nonce : '';
  if (!sig || !/^\d{1,12}$/.test(ts) || !nonce) throw new CallbackError('bad_request', 'msg_signature, timestamp and nonce are required');
  if (!sameText(getSignature(keys.token, ts, nonce, encrypted), sig)) throw new CallbackError('bad_signature', 'signature does not match');
  // A replayed callback from long ago is refused (WeCom sends its own clock's seconds).
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > maxSkewSeconds) throw new CallbackError('stale', 'timestamp too far from now');
}

function open(keys: CallbackKeys, encrypted: string): string {
  let out: { message: string; id: string };
  try {
    out = decrypt(keys.aesKey, encrypted);
  } catch {
    throw new CallbackError('bad_request', 'cannot decrypt');
  }
  if (out.id !== keys.corpId) throw new CallbackError('wrong_corp', 'message is for another corp id');
  return out.message;
}

/** GET ?msg_signature&timestamp&nonce&echostr → the plain echostr to answer with. */
export function verifyUrl(keys: CallbackKeys, query: Signed & { echostr?: unknown }, now: Date, maxSkewSeconds = 3600): string {
  const echostr = typeof query.echostr === 'string' ? query.echostr : '';
  if (!echostr) throw new CallbackError('bad_request', 'echostr is required');
  checkSignature(keys, query, echostr, now, maxSkewSeconds);
  return open(keys, echostr);
}

/** POST body `<xml><Encrypt>…</Encrypt></xml>` → the decrypted event's fields. */
export function openEvent(keys: CallbackKeys, query: Signed, body: string, now: Date, maxSkewSeconds = 3600): Record<string, unknown> {
  const outer = parseXml(body);
  const encrypted = typeof outer.Encrypt === 'string' ? outer.Encrypt : '';
  if (!encrypted) throw new CallbackError('bad_request', 'Encrypt is missing');
  checkSignature(keys, query, encrypted, now, maxSkewSeconds);
  return parseXml(open(keys, encrypted));
}
