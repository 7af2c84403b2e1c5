/**
 * Masks residents' personal numbers wherever they may appear in text we write out
 * (logs, group messages). Keeps enough to recognise a number in a conversation with the
 * resident (first 3 / last 4), never enough to use it.
 */
const ID_NUMBER = /(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g; // 18-digit resident ID
const ID_NUMBER_OLD = /(?<!\d)(\d{6})\d{6}(\d{3})(?!\d)/g; // 15-digit first-generation ID
const MOBILE = /(?<!\d)(\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)/g;

export function maskPersonalData(text: string): string {
  return text
    .replace(ID_NUMBER, (_m, head: string, tail: string) => `${head}********${tail}`)
    .replace(MOBILE, (_m, cc: string | undefined, head: string, tail: string) => `${cc ?? ''}${head}****${tail}`)
    .replace(ID_NUMBER_OLD, (_m, head: string, tail: string) => `${head}******${tail}`);
}

/** True when text carries something that must never be echoed into a group chat. */
export function containsPersonalData(text: string): boolean {
  return maskPersonalData(text) !== text;
}
