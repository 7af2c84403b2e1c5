import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { CODE_ALPHABET } from '../../lib/codes';

/**
 * The anonymous tipster's secret: 20 characters from the unambiguous code alphabet
 * (31 symbols → 20·log2(31) ≈ 99 bits), shown once in groups of four so it can be copied
 * or written down. The server keeps only its argon2id hash.
 */
const SECRET_LENGTH = 20;
const SECRET_GROUP = 4;

export function generateTipSecret(random: (max: number) => number = randomInt): string {
  let raw = '';
  for (let i = 0; i < SECRET_LENGTH; i++) raw += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return raw.match(new RegExp(`.{1,${SECRET_GROUP}}`, 'g'))!.join('-');
}

/** What a person typed → the canonical secret (case, spaces and dashes do not matter); null when it cannot be one. */
export function normalizeTipSecret(input: string | undefined | null): string | null {
  if (!input) return null;
  const raw = input.replace(/[\s-]/g, '').toUpperCase();
  if (raw.length !== SECRET_LENGTH || ![...raw].every((c) => CODE_ALPHABET.includes(c))) return null;
  return raw;
}

export async function hashTipSecret(secret: string): Promise<string> {
  const canonical = normalizeTipSecret(secret);
  if (!canonical) throw new Error('not a tip secret');
  return hash(canonical);
}

// A real hash to verify against when the code is unknown, so "unknown code" and "wrong
// secret" cost the same time. Created lazily: no work at import.
let dummyHash: Promise<string> | null = null;
function getDummyHash(): Promise<string> {
  dummyHash ??= hash('AAAAAAAAAAAAAAAAAAAA');
  return dummyHash;
}

/** Verifies `secret` against `secretHash`; with no hash, spends the same effort and answers false. */
export async function verifyTipSecret(secretHash: string | null | undefined, secret: string | undefined | null): Promise<boolean> {
  const canonical = normalizeTipSecret(secret) ?? 'XXXXXXXXXXXXXXXXXXXX';
  if (!secretHash) {
    await verify(await getDummyHash(), canonical).catch(() => false);
    return false;
  }
  const ok = await verify(secretHash, canonical).catch(() => false);
  return ok && normalizeTipSecret(secret) !== null;
}
