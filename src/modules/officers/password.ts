import { randomInt } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { CODE_ALPHABET } from '../../lib/codes';

// `Algorithm` is a const enum in the library's typings; its Argon2id member is 2. Written as a
// value here because tests transpile file by file, which cannot inline another package's const enum.
const ARGON2ID = 2 as Algorithm;

/**
 * Officers' password hashing, with explicit parameters instead of the library's defaults (which
 * a library upgrade may change). argon2id, 19 MiB, 2 passes, 1 lane: OWASP's Password Storage
 * Cheat Sheet minimum for argon2id (m=19456, t=2, p=1). Hashes made with weaker parameters are
 * replaced at the officer's next successful sign-in (see needsRehash).
 */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, ARGON2_PARAMS);
}

export function verifyPassword(hashed: string, plain: string): Promise<boolean> {
  return verify(hashed, plain).catch(() => false);
}

/** True when a stored hash is not argon2id or is weaker than ARGON2_PARAMS in memory or passes. */
export function needsRehash(hashed: string): boolean {
  try {
    const p = parseOptions(hashed);
    return (
      (p.algorithm as number) !== (ARGON2_PARAMS.algorithm as number) ||
      p.memoryCost < ARGON2_PARAMS.memoryCost ||
      p.timeCost < ARGON2_PARAMS.timeCost ||
      p.outputLen < ARGON2_PARAMS.outputLen
    );
  } catch {
    return true;
  }
}

/**
 * A one-time temporary password an admin reads out or hands over: 12 characters of the
 * unambiguous code alphabet (no 0/O, 1/I/L), at least one letter and one digit, so it passes the
 * password rule. About 59 bits; it only opens a session that must change it first.
 */
export function generateTemporaryPassword(random: (max: number) => number = randomInt): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < 12; i++) out += CODE_ALPHABET[random(CODE_ALPHABET.length)];
    if (/[A-Z]/.test(out) && /\d/.test(out)) return out.toLowerCase().replace(/^(.{4})(.{4})(.{4})$/, '$1-$2-$3');
  }
}
