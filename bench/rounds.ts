// `npm run bench:rounds`: Herald's CPU per message delivered to one destination, in rounds, for
// comparing a change with the code before it in the same hour (run it alternately in this checkout and
// in a `git worktree` of the base commit; docs/performance.md, "Measuring a change"). Starts Herald as
// `npm run bench` does, with BENCH_ROUND_WORKERS workers (2), warms them, then delivers
// BENCH_ROUND_MESSAGES messages (8,000) to the one destination in each of BENCH_ROUNDS rounds (3),
// and prints one JSON line a round: the rate, the CPU of each of Herald's processes per message (from
// /proc), their sum in RSA-2048 signatures measured just before the round, and the workers' resident
// memory during the round (median and peak of the largest worker, MB). With BENCH_ROUND_KERNEL=on,
// also each process group's system calls, context switches and page faults per message (perf stat).
// BENCH_NODE_ARGS reaches Herald's processes as with `npm run bench` (say --cpu-prof).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuMeter, type CpuGroups } from './cpu.ts';
import { measureEndToEnd } from './end-to-end.ts';
import { benchSettings, heraldCpuGroups, heraldMicrosPerMessage, startBenchHerald } from './herald.ts';
import { oneDestinationMessage } from './messages.ts';
import { RssSampler } from './rss.ts';
import { measureRsaSignature } from './signature.ts';
import { warmUp } from './warm-up.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGES = Number(process.env.BENCH_ROUND_MESSAGES ?? 8_000);
const WORKERS = Number(process.env.BENCH_ROUND_WORKERS ?? 2);
const KERNEL = process.env.BENCH_ROUND_KERNEL === 'on';
if (KERNEL) {
  try {
    execFileSync('perf', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('BENCH_ROUND_KERNEL=on needs perf (Debian: apt-get install linux-perf)');
  }
}

const herald = await startBenchHerald(benchSettings());
try {
  await herald.startWorkers(WORKERS);
  const target = { apiUrl: herald.apiUrl, apiKey: herald.apiKey, from: herald.from };
  await warmUp(target, herald.sink, WORKERS, 1);
  const groups = heraldCpuGroups(herald);
  for (let round = 0; round < ROUNDS; round++) {
    const signature = measureRsaSignature();
    const kernel = KERNEL ? startPerfStat(groups) : null;
    const meter = new CpuMeter(groups).start();
    const rss = new RssSampler(() => ({ worker: herald.workers.map((w) => w.child.pid as number) })).start();
    const result = await measureEndToEnd(target, herald.sink, {
      messages: MESSAGES,
      batch: 500,
      timeoutMs: 300_000,
      first: 1_000_000 + round * MESSAGES,
      make: oneDestinationMessage,
    });
    const seconds = meter.stop();
    rss.stop();
    const entries = kernel ? await kernel.stop(MESSAGES) : undefined;
    if (result.missing + result.duplicates > 0) throw new Error(`round ${round + 1}: ${result.missing} messages missing, ${result.duplicates} received twice`);
    const micros = Object.fromEntries(Object.entries(seconds).map(([group, s]) => [group, Math.round((s * 1e6) / MESSAGES)]));
    const herald_ = heraldMicrosPerMessage(seconds, MESSAGES);
    console.log(
      JSON.stringify({
        round: round + 1,
        messagesPerSecond: result.messagesPerSecond,
        signatureMicros: Math.round(signature),
        micros,
        heraldMicros: herald_,
        signatures: Number((herald_ / signature).toFixed(2)),
        workerRssMb: { median: Math.round(rss.median('worker') / 2 ** 20), peak: Math.round(rss.peak('worker') / 2 ** 20) },
        ...(entries ? { kernelPerMessage: entries } : {}),
      }),
    );
  }
} finally {
  await herald.stop();
}

/** `perf stat` on each group's processes (as they are now) until stop(), which answers the counts per message. */
function startPerfStat(groups: CpuGroups): { stop(messages: number): Promise<Record<string, Record<string, number>>> } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-rounds-'));
  const runs: { group: string; file: string; child: ChildProcess }[] = Object.entries(groups).map(([group, pids]) => {
    const file = join(dir, `${group}.csv`);
    const events = 'raw_syscalls:sys_enter,context-switches,page-faults';
    return { group, file, child: spawn('perf', ['stat', '-x,', '-o', file, '-e', events, '-p', pids().join(',')], { stdio: 'ignore' }) };
  });
  return {
    async stop(messages) {
      await Promise.all(runs.map(({ child }) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT')))));
      const counts: Record<string, Record<string, number>> = {};
      for (const { group, file } of runs) {
        const perMessage: Record<string, number> = {};
        for (const line of readFileSync(file, 'utf8').split('\n').filter((l) => /^\d/.test(l))) {
          const [value, , event] = line.split(',');
          perMessage[event ?? '?'] = Number((Number(value) / messages).toFixed(2));
        }
        counts[group] = perMessage;
      }
      return counts;
    },
  };
}
