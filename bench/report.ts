import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface Figure {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
}

export function commit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
    return sha + dirty;
  } catch {
    return 'unknown';
  }
}

export const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/** The figures as a Markdown table. */
export function table(figures: Figure[]): string {
  const rows = figures.map((f) => `| ${f.name} | ${f.value} | ${f.target} | ${f.met === null ? '' : f.met ? 'met' : '**not met**'} |`);
  return ['| Measure | Result | Target | |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the "Latest run" section of bench/RESULTS.md, keeping everything else (the history). */
export function withLatestRun(previous: string, run: string): string {
  const start = previous.indexOf('## Latest run');
  if (start < 0) return `${previous.trimEnd()}\n\n${run}\n`;
  const end = previous.indexOf('\n## ', start + 1);
  return `${previous.slice(0, start)}${run}\n${end < 0 ? '' : previous.slice(end)}`;
}

/** One phase's CPU seconds by process group, and how many requests or messages they went on. */
export interface CpuPhase {
  name: string;
  units: number;
  seconds: Record<string, number>;
}

/** CPU time per unit (µs) by process group and phase, as a Markdown table. */
export function cpuTable(phases: CpuPhase[]): string {
  const groups = [...new Set(phases.flatMap((p) => Object.keys(p.seconds)))];
  const us = (seconds: number, units: number) => (units > 0 ? `${Math.round((seconds * 1e6) / units)} µs` : '');
  const rows = phases.map((p) => {
    const total = Object.values(p.seconds).reduce((a, b) => a + b, 0);
    // a group a phase did not watch (Postfix in Herald's phases, the API in Postfix's) is left blank, not 0
    return `| ${p.name} | ${groups.map((g) => (g in p.seconds ? us(p.seconds[g] as number, p.units) : '')).join(' | ')} | ${us(total, p.units)} |`;
  });
  return [`| Phase | ${groups.join(' | ')} | all |`, `| --- |${groups.map(() => ' --- |').join('')} --- |`, ...rows].join('\n');
}
