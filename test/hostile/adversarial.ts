/**
 * Generators of malformed and adversarial request bodies and path values, deterministic
 * (seeded) so a failure can be replayed.
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOSQL_OPERATORS = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $in: [] }, { $exists: true }];

export const HOSTILE_SCALARS: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  ' ',
  'x'.repeat(100_000),
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
  '\ud800', // lone surrogate
  '𠀀'.repeat(5000),
  '2026-02-30T25:61:00Z',
  '13800138000',
  '110101199003077777',
  [],
  [[[[]]]],
  {},
  ...NOSQL_OPERATORS,
];

export const FIELD_NAMES = [
  'room', 'text', 'conversationId', 'username', 'password', 'service', 'start', 'name', 'phone', 'date', 'code',
  'anonymous', 'contact', 'officerId', 'rating', 'comment', 'month', 'materialsConfirmed', 'question', 'answer',
  'place', 'time', 'topic', 'groups', 'title', 'body', 'sendAt', 'key', 'days', 'status', 'kind', 'labels',
];

function deepNest(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** One adversarial JSON body (as a string: some are deliberately not valid JSON or not UTF-8). */
export function hostileBody(random: () => number): { raw: string | Buffer; contentType: string } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const roll = random();
  if (roll < 0.08) return { raw: pick(['{', '{"a":', 'nul', '[1,2', '{"__proto__":', '\u0000', '{}}']), contentType: 'application/json' };
  if (roll < 0.12) return { raw: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), contentType: 'application/json' };
  if (roll < 0.16) return { raw: '{"a":'.repeat(20000) + '1' + '}'.repeat(20000), contentType: 'application/json' };
  if (roll < 0.2) return { raw: 'room=HPL&text=hi', contentType: 'application/x-www-form-urlencoded' };
  if (roll < 0.24) return { raw: JSON.stringify(pick(HOSTILE_SCALARS)), contentType: 'application/json' };
  if (roll < 0.3) return { raw: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}', contentType: 'application/json' };
  // An object with every known field set to a wrong-typed or hostile value: never a valid request.
  const body: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    if (random() < 0.6) body[field] = pick(NOSQL_OPERATORS);
    else body[field] = pick([{ nested: pick(NOSQL_OPERATORS) }, [pick(NOSQL_OPERATORS)], deepNest(20), { toString: 'x' }]);
  }
  if (random() < 0.3) body.__proto__ = { polluted: true };
  return { raw: JSON.stringify(body).replace('"__proto__"', random() < 0.5 ? '"__proto__"' : '"constructor"'), contentType: 'application/json' };
}

export const HOSTILE_PATH_VALUES = [
  '%24gt',
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(3000),
  '%00',
  '%E0%A4%A',
  '%F0%9F%92%A9',
  '000000000000000000000000',
  'ffffffffffffffffffffffff',
  '{"$ne":null}',
  '__proto__',
  'constructor',
  'Y2345678',
  'hpl',
  '-1',
];
