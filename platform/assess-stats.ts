// Robust statistics for the quality assessment: median, quantiles and the median absolute
// deviation, and the modified z-score of Iglewicz and Hoaglin (0.6745 (x - median) / MAD), which
// one wild value cannot drag the way it drags a mean and a standard deviation.

/** Quantile q in [0, 1] by linear interpolation between order statistics; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Iglewicz-Hoaglin's recommended cut: |modified z| above this is an outlier. */
export const DEFAULT_Z_THRESHOLD = 3.5;

/**
 * Indexes of the outliers among `values` by modified z-score. With MAD 0 (more than half the
 * values equal) the score is undefined; then only values away from the median count, since such a
 * series is flat and any departure is exceptional. Fewer than 3 values never have outliers.
 */
export function robustOutliers(values: readonly number[], threshold = DEFAULT_Z_THRESHOLD): number[] {
  if (values.length < 3) return [];
  const m = median(values);
  const d = mad(values);
  const out: number[] = [];
  values.forEach((v, i) => {
    const z = d === 0 ? (v === m ? 0 : Number.POSITIVE_INFINITY) : (0.6745 * (v - m)) / d;
    if (Math.abs(z) > threshold) out.push(i);
  });
  return out;
}
