/** Mainland mobile numbers: 11 digits starting 13–19. Accepts spaces, dashes and a +86 prefix. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;

export function normalizeMobile(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return MOBILE_RE.test(digits) ? digits : null;
}

export function maskMobile(phone: string | null | undefined): string | null {
  if (!phone) return null;
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****';
}
