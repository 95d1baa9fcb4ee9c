import { setFlagsFromString } from 'node:v8';

/**
 * After each full garbage collection V8 sets the old generation's next limit to what survived times a
 * factor (1.1 to 4) that it derives from how fast the process allocated lately. After a few seconds of
 * quiet that speed is measured over the idle time, so the limit lands just above the live heap, and the
 * first second or two of the burst that ends the quiet goes from one full collection to the next: an
 * API after a 6 s pause ran four in its first 1.4 s, against one in a burst straight after another,
 * and spent about 40% more CPU a message. Product mail comes in such bursts. A fixed factor of 2
 * (`--heap-growing-percent=100`) removed that gap, cost nothing measurable in steady state, and kept a
 * busy worker's resident memory lower than V8's own factor does (which climbs to 4 under load);
 * docs/performance.md, "V8's heap after quiet".
 *
 * V8 refuses the option in NODE_OPTIONS, and reads it at each full collection, so each Herald process
 * sets it for itself as it starts, unless Node was started with the option (`node
 * --heap-growing-percent=0 …` restores V8's own factor).
 */
export const HEAP_GROWING_PERCENT = 100;

/** Sets V8's fixed heap-growing factor for this process (above); Node's own options win. Answers the option set, or null. */
export function fixHeapGrowing(execArgv: readonly string[] = process.execArgv): string | null {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return null;
  const option = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
  setFlagsFromString(option);
  return option;
}
