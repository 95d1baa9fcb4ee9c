/** The value at percentile `p` (0–100) of values sorted ascending (0 when there are none). */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** Milliseconds to a tenth, as the bench reports them. */
export const roundTenth = (ms: number): number => Math.round(ms * 10) / 10;
