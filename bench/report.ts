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
