import { readdirSync, readFileSync } from 'node:fs';

/**
 * Reading Linux's /proc, for the tests and the benchmark that watch Herald's processes from outside
 * (which processes an API started, how much CPU each used).
 */

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, first), or null once the process is gone. */
export function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The pids of every process now running. */
export function allPids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/** The processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return allPids().filter((child) => Number(statFields(child)?.[1]) === pid);
}

/**
 * `pid` and every process under it (say, an API's cluster processes, or a Postfix master's daemons).
 * /proc is read once for all of them: the benchmark asks twice a second, and a tree of tens of
 * processes read level by level would cost the load generator more CPU than it measures.
 */
export function withDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const child of allPids()) {
    const parent = Number(statFields(child)?.[1]);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** A process's command line, argument by argument ([] once it is gone). */
export function commandLine(pid: number): string[] {
  try {
    // each argument ends with a NUL, the last one too
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}
