/** A local time of day written 'HH:mm' (schedules, quiet hours, talk days). */
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function parseHHMM(value: string): { hour: number; minute: number } {
  if (!HHMM.test(value)) throw new Error(`"${value}" is not HH:mm`);
  const [hour, minute] = value.split(':').map(Number);
  return { hour, minute };
}
