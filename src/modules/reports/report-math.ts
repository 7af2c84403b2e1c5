/**
 * The assessment's arithmetic (pure): percentiles and the satisfaction rule.
 */

/**
 * Exact nearest-rank quantile: the smallest value such that at least q of the values are ≤ it,
 * i.e. the value of rank ceil(q·n) in ascending order. The median (q = 0.5) of an even count is
 * therefore the lower of the two middle values. Null for no values.
 */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** The bureau's line: a room or officer under 90 % satisfaction loses its title. */
export const DEFAULT_SATISFACTION_TARGET_PERCENT = 90;

export interface SatisfactionCounts {
  satisfied: number;
  basic: number;
  unsatisfied: number;
}

/** (满意 + 基本满意) / answers, or null when nobody answered. */
export function satisfactionRate(c: SatisfactionCounts): number | null {
  const answers = c.satisfied + c.basic + c.unsatisfied;
  return answers === 0 ? null : (c.satisfied + c.basic) / answers;
}

/**
 * Flagged when there are answers and the rate is strictly under the target. Compared in
 * integers ((s + b) · 100 < target · answers) so exactly 90 % is never flagged by rounding.
 */
export function isBelowTarget(c: SatisfactionCounts, targetPercent = DEFAULT_SATISFACTION_TARGET_PERCENT): boolean {
  const answers = c.satisfied + c.basic + c.unsatisfied;
  if (answers === 0) return false;
  return (c.satisfied + c.basic) * 100 < targetPercent * answers;
}

/** A ratio or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}
