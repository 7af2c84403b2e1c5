/**
 * Log-spaced histograms for response-time percentiles (pure, no I/O).
 *
 * Why: a month's percentiles must be merged from daily rollups, and exact values cannot be
 * kept per day at scale. A value v ≥ 1 s goes to bucket i = ceil(log_γ v) with
 * γ = (1 + α) / (1 − α); the bucket (γ^(i−1), γ^i] is represented by 2γ^i / (γ + 1), which is
 * within a relative error α of every value in it. Values under 1 s go to bucket 0, shown as 0.
 *
 * Precision: α = 2 %. A percentile read from a histogram is the representative of the bucket
 * that holds the exact nearest-rank percentile, so it is within ±2 % of the exact value
 * (± 1 s for sub-second values). One year spans ≈ 432 buckets; a day of a room uses a few dozen.
 */
export const HISTOGRAM_RELATIVE_ERROR = 0.02;
const GAMMA = (1 + HISTOGRAM_RELATIVE_ERROR) / (1 - HISTOGRAM_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

/** bucket index → count. Sparse. */
export type Histogram = Map<number, number>;

export function bucketOf(seconds: number): number {
  if (!(seconds >= 1)) return 0;
  // The epsilon keeps exact powers of γ in their own bucket despite floating-point noise.
  return Math.max(1, Math.ceil(Math.log(seconds) / LOG_GAMMA - 1e-9));
}

export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return (2 * Math.pow(GAMMA, bucket)) / (GAMMA + 1);
}

export function emptyHistogram(): Histogram {
  return new Map();
}

export function addValue(h: Histogram, seconds: number, count = 1): void {
  const b = bucketOf(seconds);
  h.set(b, (h.get(b) ?? 0) + count);
}

/** Adds `from` into `into` (mutates `into`). */
export function mergeInto(into: Histogram, from: Histogram): Histogram {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
  return into;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/**
 * Nearest-rank quantile from a histogram (q in (0, 1]): the representative of the bucket that
 * holds the value of rank ceil(q·n). Null for an empty histogram.
 */
export function histogramQuantile(h: Histogram, q: number): number | null {
  const n = histogramCount(h);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n - 1e-9));
  const buckets = [...h.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const b of buckets) {
    seen += h.get(b)!;
    if (seen >= rank) return bucketValue(b);
  }
  return bucketValue(buckets[buckets.length - 1]);
}

/**
 * Compact storage form: "bucket:count" pairs in base 36, comma-separated, ascending.
 * A string is one value for the database to decode instead of hundreds of array elements,
 * which matters on FerretDB (documents are decoded field by field in Go).
 */
export function encodeHistogram(h: Histogram): string {
  return [...h.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([b, n]) => `${b.toString(36)}:${n.toString(36)}`)
    .join(',');
}

export function decodeHistogram(s: string | null | undefined): Histogram {
  const h: Histogram = new Map();
  if (!s) return h;
  for (const pair of s.split(',')) {
    const [b, n] = pair.split(':');
    const bucket = parseInt(b, 36);
    const count = parseInt(n, 36);
    if (Number.isFinite(bucket) && Number.isFinite(count) && count > 0) h.set(bucket, (h.get(bucket) ?? 0) + count);
  }
  return h;
}
