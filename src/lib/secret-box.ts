import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Credentials kept in the database (a room's WeCom robot webhook key) are sealed with
 * AES-256-GCM under SECRETS_KEY: `gcm1:<iv>:<tag>:<ciphertext>` (base64url parts, 12-byte
 * random IV, 16-byte tag). A value without the prefix is an older plain one, to be sealed on
 * the next read or write. Opening with the wrong key fails loudly (the tag does not match).
 */
const PREFIX = 'gcm1:';

export class SecretsKeyMissing extends Error {
  constructor(what: string) {
    super(
      `${what}已加密保存或需要加密保存，但未配置 SECRETS_KEY（32 字节密钥，例如 openssl rand -hex 32）。` +
        `（SECRETS_KEY is not set: ${what} cannot be encrypted or read.)`,
    );
    this.name = 'SecretsKeyMissing';
  }
}

/** The 32-byte key from the config value (64 hex characters or base64), or null when unset. */
export function secretsKey(value: string | undefined): Buffer | null {
  if (!value) return null;
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function sealSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
}

/** The plain value of a sealed one (a plain older value is returned as it is). */
export function openSecret(stored: string, key: Buffer | null): string {
  if (!isSealed(stored)) return stored;
  if (!key) throw new SecretsKeyMissing('凭据');
  const [iv, tag, data] = stored.slice(PREFIX.length).split(':');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
