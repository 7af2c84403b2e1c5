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

const TIP_SECRET = /(?<![A-Za-z0-9])[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){4}(?![A-Za-z0-9])/g;
const TIP_CODE = /(?<![A-Za-z0-9])J[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{7}(?![A-Za-z0-9])/g;
const ONE_TIME_CODE = /(验证码|绑定码|查询密码)([^0-9A-Za-z]{0,4})[0-9A-Za-z-]{4,24}/g;

/**
 * What a delivered message keeps of its text: tip secrets, tip codes and one-time codes are
 * blanked, so nothing readable of them stays next to the recipient's WeChat id once sent.
 */
export function redactDelivered(text: string): string {
  return text.replace(ONE_TIME_CODE, '$1$2[已删除]').replace(TIP_SECRET, '[已删除]').replace(TIP_CODE, 'J*******');
}
