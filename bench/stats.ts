// Shared numbers helpers for the bench: percentiles, summaries, a bounded worker pool, wall-clock now.

/** Nearest-rank percentile (NaN for no samples). */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

export const stats = (xs: number[]): Summary => ({
  n: xs.length,
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
});

/** Runs fn over items, n at a time. */
export async function pool<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Wall-clock ms with sub-ms resolution (comparable to history event times on the same machine). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** 1-, 5- and 15-minute load averages when the run happened (the machine is shared). */
export { loadavg } from 'node:os';
