import { randomInt } from 'node:crypto';

/**
 * Follow-up codes residents read aloud, type on a phone and copy from WeChat.
 * The alphabet leaves out characters that are easy to confuse (0/O, 1/I/L).
 * The first letter says what the code is for, so one lookup box serves all kinds.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export const CODE_PREFIX = {
  appointment: 'Y', // 预约
  tip: 'J', // 举报 / 线索
  item: 'S', // 事项 (questions, disputes, complaints, emergencies)
} as const;

export type CodeKind = keyof typeof CODE_PREFIX;

const BODY_LENGTH = 7;

/** Matches a code inside free text, e.g. "帮我查一下 y7k2m9qa 的进度". */
export const CODE_IN_TEXT = new RegExp(`(?<![A-Za-z0-9])[YJSyjs][${CODE_ALPHABET}${CODE_ALPHABET.toLowerCase()}]{${BODY_LENGTH}}(?![A-Za-z0-9])`);

export function generateCode(kind: CodeKind, random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return CODE_PREFIX[kind] + body;
}

/** Normalises a code typed by a person (case, surrounding spaces); returns null when it cannot be one. */
export function normalizeCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  return new RegExp(`^[YJS][${CODE_ALPHABET}]{${BODY_LENGTH}}$`).test(code) ? code : null;
}

/** A word shaped like a code (prefix, then BODY_LENGTH letters or digits), valid or not. */
const CODE_SHAPED = new RegExp(`(?<![A-Za-z0-9])[YJSyjs][A-Za-z0-9]{${BODY_LENGTH}}(?![A-Za-z0-9])`);

/**
 * Something typed where a code was meant that cannot be one: shaped like a code, but with a
 * character CODE_ALPHABET leaves out (0, 1, O, I, L), e.g. "Y1234567". Returned upper-case so
 * the reply can show it; null when the text has a real code or nothing shaped like one.
 */
export function findCodeLookalike(text: string): string | null {
  if (findCodeInText(text)) return null;
  const m = CODE_SHAPED.exec(text);
  return m ? m[0].toUpperCase() : null;
}

/** What a resident is told about such a look-alike: which characters codes never use. */
export function codeLookalikeHint(typed: string): string {
  return `“${typed}”不是有效的编号：编号中没有数字0、1和字母O、I、L，请核对后重新输入（容易看错的：0与O、1与I、L）。`;
}

export function findCodeInText(text: string): string | null {
  const m = CODE_IN_TEXT.exec(text);
  return m ? normalizeCode(m[0]) : null;
}

export function codeKind(code: string): CodeKind | null {
  const prefix = code[0];
  const entry = Object.entries(CODE_PREFIX).find(([, p]) => p === prefix);
  return entry ? (entry[0] as CodeKind) : null;
}
