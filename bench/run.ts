// `npm run bench`: Herald on this machine, measured. Writes bench/RESULTS.md ("Latest run") and prints
// the same tables. Settings: BENCH_WORKERS (worker processes, default 2), BENCH_API_PROCESSES (API
// processes, default 1), BENCH_MESSAGES (each end-to-end run, default 10000), BENCH_SECONDS (each single-accept
// run, default 10), BENCH_METRICS (on or off: Prometheus metrics collected in every process, or not
// at all (HERALD_METRICS=false); default on; the "metrics overhead" row compares the two),
// BENCH_BY_WORKERS (the worker counts the end-to-end runs are repeated with, default 1,2,3; "off" skips
// them), BENCH_BY_WORKERS_MESSAGES (messages in each of those runs, default 5000),
// BENCH_POSTFIX (on or off, default on: after the one-destination phase, a private Postfix with the
// OpenDKIM milter, then without it, relays the same kind of messages to the same sink; apt installs
// postfix and opendkim when missing, which needs root; off skips the comparison),
// BENCH_POSTFIX_MESSAGES (messages in each Postfix run, default 5,000 or BENCH_MESSAGES if fewer:
// Postfix is several times slower, and its rate is steady long before), BENCH_WARMUP (messages each
// freshly started worker delivers before the phases after it are measured, default 5,000; 0: none),
// BENCH_API_WARMUP (seconds of single requests, then batch calls, the fresh API serves before the accept
// phases are measured, default 10; 0: none).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDeliveryQueues, createRedis } from '@herald/core';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { measureSingleAccept, sendBatches } from './accept.ts';
import { measureOpenLoop } from './open-loop.ts';
import { startFlushProbe } from './flush-probe.ts';
import { measureLargeAttachment } from './attachment.ts';
import { measureRsaSignature } from './signature.ts';
import { measureSinkBaseline } from './baseline.ts';
import { measureSinkCapacity } from './sink-capacity.ts';
import { measureEndToEnd, type EndToEndResult } from './end-to-end.ts';
import { ensureMtaPackages } from './mta-packages.ts';
import { openDkimVersion } from './opendkim.ts';
import { measurePostfix, type PostfixRun } from './postfix.ts';
import { BENCH_API_PROCESSES, BENCH_METRICS, benchSettings, heraldCpuGroups, heraldMicrosPerMessage, startBenchHerald } from './herald.ts';
import { withDescendants } from '@herald/test/support/proc.ts';
import { CpuMeter } from './cpu.ts';
import { BENCH_TEMPLATE, ONE_DOMAIN, oneDestinationMessage, templateMessage } from './messages.ts';
import { byWorkersTable, measureByWorkers, type ByWorkersRow } from './by-workers.ts';
import { API_WARMUP_CALLS, API_WARMUP_SECONDS, warmUp, warmUpApi, WARMUP_PER_WORKER, type ApiWarmUp } from './warm-up.ts';
import { commit, cpuTable, machine, mb, table, withLatestRun, type CpuPhase, type Figure } from './report.ts';
import { RssSampler } from './rss.ts';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BY_WORKERS = process.env.BENCH_BY_WORKERS === 'off' ? [] : (process.env.BENCH_BY_WORKERS ?? '1,2,3').split(',').map(Number);
const BY_WORKERS_MESSAGES = Number(process.env.BENCH_BY_WORKERS_MESSAGES ?? 5_000);
const POSTFIX = process.env.BENCH_POSTFIX !== 'off';
const POSTFIX_MESSAGES = Number(process.env.BENCH_POSTFIX_MESSAGES ?? Math.min(MESSAGES, 5_000));
/** The quiet spell before the burst phase: longer than a worker counts without saying it runs (15 s) and than sessions idle (5 s). */
const QUIET_MS = 20_000;
const BURST_MESSAGES = 1_000;
/** Submission sessions to Postfix: fewer leave it waiting on OpenDKIM's round trips, more only add processes. */
const POSTFIX_CONNECTIONS = 20;
/** The connection limit per destination: Herald's default unless HERALD_MAX_CONNECTIONS_PER_DESTINATION is set for the run. */
const MAX_CONNECTIONS = Number(process.env.HERALD_MAX_CONNECTIONS_PER_DESTINATION ?? 20);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const log = (text: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);

const started = Date.now();
// before anything is measured: a missing package or a non-root user fails the run now, not after the Herald phases
if (POSTFIX) ensureMtaPackages(log);
const herald = await startBenchHerald(benchSettings());
const rss = new RssSampler(() => ({ api: withDescendants(herald.api.child.pid as number), worker: herald.workers.map((w) => w.child.pid as number) })).start();
const cpu = () =>
  new CpuMeter({
    ...heraldCpuGroups(herald),
    sink: () => [herald.sink.pid],
    'load generator': () => [process.pid],
  }).start();
const target = { apiUrl: herald.apiUrl, apiKey: herald.apiKey, from: herald.from };
const figures: Figure[] = [];
const phases: CpuPhase[] = [];
let byWorkers: ByWorkersRow[] = [];

try {
  const created = await fetch(`${target.apiUrl}/v1/templates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_TEMPLATE),
  });
  if (created.status !== 201) throw new Error(`creating the template answered ${created.status}: ${(await created.text()).slice(0, 300)}`);
  // a fresh API first compiles its request paths (V8's optimizing compiler): that once-per-process cost
  // is measured here, as the API's cold start, and kept out of the accept phases after it
  log(`API warm-up: ${API_WARMUP_SECONDS} s of single requests at 50 connections, then ${API_WARMUP_CALLS} batch calls of 500 and ${API_WARMUP_CALLS} by template`);
  const apiWarm = await warmUpApi(target, cpu, 80_000_000);
  if (apiWarm) phases.push(apiWarm.phases.single, apiWarm.phases.batched);
  log(`single accept: ${SECONDS} s at 50 connections, then ${SECONDS} s at 1,000 requests/s offered (open loop)`);
  let meter = cpu();
  const single = await measureSingleAccept(target, { connections: 50, seconds: SECONDS });
  const singleCpu = meter.stop();
  phases.push({ name: 'Single accept, 50 connections (per request)', units: single.rps * SECONDS, seconds: singleCpu });
  // the disk's flush latency beside it: each request's commit waits for Postgres to flush its WAL
  const flushProbe = await startFlushProbe(herald.env.DATABASE_URL as string);
  meter = cpu();
  const atRate = await measureOpenLoop(target, { rate: 1_000, seconds: SECONDS, first: 50_000_000 });
  const atRateCpu = meter.stop();
  const flush = await flushProbe.stop();
  phases.push({ name: 'Single accept, 1,000 requests/s steady (per request)', units: atRate.rps * SECONDS, seconds: atRateCpu });
  log(`batch accept: 40 calls of 500 messages, 2 at a time`);
  meter = cpu();
  const batch = await sendBatches(target, { calls: 40, size: 500, parallel: 2 });
  const batchCpu = meter.stop();
  phases.push({ name: 'Batch accept (per message)', units: batch.accepted.length, seconds: batchCpu });
  // the API's own CPU (its processes, from /proc) per request or message
  const apiMicros = (seconds: Record<string, number>, units: number) => Math.round((1e6 * (seconds.api ?? 0)) / Math.max(1, units));
  const apiSingle = { flat: apiMicros(singleCpu, single.rps * SECONDS), steady: apiMicros(atRateCpu, atRate.rps * SECONDS) };
  const apiBatch = apiMicros(batchCpu, batch.accepted.length);
  log(`batch accept by template: 40 calls of 500 messages with their own variables, 2 at a time`);
  meter = cpu();
  const templated = await sendBatches(target, { calls: 40, size: 500, parallel: 2, first: batch.accepted.length, make: templateMessage });
  phases.push({ name: 'Batch accept by template (per message)', units: templated.accepted.length, seconds: meter.stop() });
  const apiAcceptPeak = rss.peak('api');

  // the accept runs stored messages no worker should now send: they are set aside before workers start
  await setAsideQueued(herald.env);
  await herald.startWorkers(WORKERS);
  // fresh workers first compile their hot code (V8's optimizing compiler): that once-per-process cost
  // is measured here, as the cold start, and kept out of the phases after it
  log(`warm-up: ${WARMUP_PER_WORKER} messages a worker, half to ten destinations and half to one`);
  meter = cpu();
  const warm = await warmUp(target, herald.sink, WORKERS, 6_000_000);
  const warmCpu = meter.stop();
  const warmPhase: CpuPhase | null = warm && { name: 'Warm-up: the first messages of fresh workers (per message delivered)', units: warm.ten.messages + warm.one.messages, seconds: warmCpu };
  if (warmPhase) phases.push(warmPhase);
  rss.reset();
  log(`end to end: ${MESSAGES} messages through ${WORKERS} worker(s)`);
  meter = cpu();
  const e2e = await measureEndToEnd(target, herald.sink, { messages: MESSAGES, batch: 500, timeoutMs: 300_000 });
  const e2ePhase: CpuPhase = { name: 'End to end (per message delivered)', units: e2e.messages, seconds: meter.stop() };
  phases.push(e2ePhase);
  // the one destination's MX host has an address of its own at the sink: its peak counts its
  // connections alone, with no pause for the ten destinations' sessions to close (a pause before
  // this run alone would weigh on it and not on the ten-destination runs: docs/performance.md)
  await herald.sink.peakConnections(herald.sink.oneHost);
  log(`end to end to one destination: ${MESSAGES} messages, all to ${ONE_DOMAIN} (one MX host, the default connection limit)`);
  meter = cpu();
  const oneDest = await measureEndToEnd(target, herald.sink, { messages: MESSAGES, batch: 500, timeoutMs: 300_000, first: 3_000_000, make: oneDestinationMessage });
  const oneDestCpu = meter.stop();
  phases.push({ name: 'End to end, one destination (per message delivered)', units: oneDest.messages, seconds: oneDestCpu });
  const peakToOne = await herald.sink.peakConnections(herald.sink.oneHost);
  // the ten destinations again, after the one: on these machines the rate drifts by several percent
  // within minutes, either way (docs/performance.md), so the one destination is held to the mean of a
  // ten-destination run before it and one after it, and drift weighs on both sides alike
  log(`end to end to ten destinations again: ${MESSAGES} messages, after the one destination`);
  meter = cpu();
  const e2eAgain = await measureEndToEnd(target, herald.sink, { messages: MESSAGES, batch: 500, timeoutMs: 300_000, first: 2_000_000 });
  phases.push({ name: 'End to end again, after the one destination (per message delivered)', units: e2eAgain.messages, seconds: meter.stop() });
  const tenRate = (e2e.messagesPerSecond + e2eAgain.messagesPerSecond) / 2;
  // Herald's own CPU per delivered message (not the sink's or the load generator's), against one RSA-2048 signature
  const heraldMicros = heraldMicrosPerMessage(oneDestCpu, oneDest.messages);
  const signatureMicros = measureRsaSignature();
  const workerSteady = rss.median('worker');
  const workerPeak = rss.peak('worker');
  const samples = await herald.sink.samples();
  const verified = (await Promise.all(samples.map((raw) => verifyDkim(raw, herald.dns)))).filter((r) => r.some((s) => s.result === 'pass')).length;

  let postfix: { signed: PostfixRun; bare: PostfixRun; verified: number; openDkim: string } | null = null;
  if (POSTFIX) {
    log(`Postfix + OpenDKIM: ${POSTFIX_MESSAGES} of the same messages to ${ONE_DOMAIN} at the same sink, submitted over ${POSTFIX_CONNECTIONS} SMTP connections`);
    const signed = await measurePostfix(herald.sink, { messages: POSTFIX_MESSAGES, connections: POSTFIX_CONNECTIONS, from: herald.from, dkim: { selector: 'postfix-bench', dns: herald.dns } });
    phases.push({ name: 'Postfix + OpenDKIM, one destination (per message delivered)', units: signed.messages - signed.missing, seconds: signed.cpu });
    log('Postfix without DKIM: the same again, no milter');
    const bare = await measurePostfix(herald.sink, { messages: POSTFIX_MESSAGES, connections: POSTFIX_CONNECTIONS, from: herald.from, dkim: null });
    phases.push({ name: 'Postfix without DKIM, one destination (per message delivered)', units: bare.messages - bare.missing, seconds: bare.cpu });
    const postfixVerified = (await Promise.all(signed.samples.map((raw) => verifyDkim(raw, herald.dns)))).filter((r) => r.some((s) => s.result === 'pass' && s.selector === 'postfix-bench')).length;
    postfix = { signed, bare, verified: postfixVerified, openDkim: openDkimVersion() };
  }

  log('sink baseline: the same signed message through pooled nodemailer, from two processes');
  const baseline = await measureSinkBaseline(herald.sink, samples[samples.length - 1] as Buffer, { messages: Math.min(MESSAGES, 10_000), connections: 20, processes: 2 });
  log('sink capacity: the same message from a minimal pipelining client');
  const capacity = await measureSinkCapacity(herald.sink, samples[samples.length - 1] as Buffer, { messages: 20_000, connections: 20 });
  log('one message with a 25 MB attachment');
  const large = await measureLargeAttachment(target, herald.sink, rss);
  // product mail comes in bursts: after a quiet spell the workers' sessions have closed (5 s idle) and
  // a worker counts in the connection shares only by saying it runs (every 5 s, for 15 s)
  log(`one destination after ${QUIET_MS / 1_000} s of quiet: ${BURST_MESSAGES} messages, all to ${ONE_DOMAIN}`);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  await herald.sink.peakConnections(herald.sink.oneHost);
  const burst = await measureEndToEnd(target, herald.sink, { messages: BURST_MESSAGES, batch: 100, timeoutMs: 120_000, first: 4_000_000, make: oneDestinationMessage });
  const peakInBurst = await herald.sink.peakConnections(herald.sink.oneHost);
  if (BY_WORKERS.length > 0) {
    log(`by number of workers (${BY_WORKERS.join(', ')}): ${BY_WORKERS_MESSAGES} messages to ten destinations, then to one, for each`);
    byWorkers = await measureByWorkers(herald, target, BY_WORKERS, BY_WORKERS_MESSAGES, 5_000_000);
  }

  const tens = { messages: e2e.messages + e2eAgain.messages, missing: e2e.missing + e2eAgain.missing, unsigned: e2e.unsigned + e2eAgain.unsigned, broken: e2e.broken + e2eAgain.broken, duplicates: e2e.duplicates + e2eAgain.duplicates };
  figures.push(
    { name: 'Single accept (POST /v1/messages, 5 KB, 50 connections)', value: `${single.rps} req/s, p50 ${single.p50} ms, p99 ${single.p99} ms${single.errors ? `, ${single.errors} errors` : ''}`, target: '≥ 3,000 req/s', met: single.rps >= 3_000 },
    { name: `Single accept at ${atRate.offered} req/s offered, open loop (one request due every ${1_000 / atRate.offered} ms, sent when due; latency from when it was due)`, value: `${atRate.rps} req/s, p50 ${atRate.p50} ms, p99 ${atRate.p99} ms, max ${atRate.max} ms${atRate.errors ? `, ${atRate.errors} errors` : ''}; ${atRate.late} sent over 1 ms late by the load generator`, target: 'p99 ≤ 25 ms', met: atRate.p99 <= 25 && atRate.errors === 0 && atRate.rps >= atRate.offered * 0.95 },
    {
      name: `The disk's flush during that run (8 KB written and fdatasync'd every 10 ms by a probe, on ${flush.disk}): every request's commit waits for Postgres' flush of its WAL`,
      value: `${flush.flushes} flushes: p50 ${flush.p50} ms, p99 ${flush.p99} ms, max ${flush.max} ms; ${flush.over25} over 25 ms`,
      target: '',
      met: null,
    },
    {
      name: "API CPU per single request (the API's processes, from /proc)",
      value: `${apiSingle.flat} µs at 50 connections; ${apiSingle.steady} µs at ${atRate.offered} requests/s steady`,
      target: '≤ 250 µs',
      met: Math.max(apiSingle.flat, apiSingle.steady) <= 250,
    },
    { name: 'Batch accept (500 a call)', value: `${batch.messagesPerSecond} messages/s`, target: '≥ 20,000 messages/s', met: batch.messagesPerSecond >= 20_000 },
    { name: 'API CPU per batched message', value: `${apiBatch} µs`, target: '≤ 60 µs', met: apiBatch <= 60 },
    {
      name: 'Batch accept by template (500 a call, each with its own variables)',
      value: `${templated.messagesPerSecond} messages/s, ${Math.round((100 * templated.messagesPerSecond) / batch.messagesPerSecond)}% of the plain batch`,
      target: '≥ 80% of the plain batch',
      met: templated.messagesPerSecond >= 0.8 * batch.messagesPerSecond,
    },
    { name: `End to end, ${e2e.messages} messages, DKIM RSA-2048`, value: `${e2e.messagesPerSecond} messages/s; accept to delivered p50 ${e2e.p50} ms, p99 ${e2e.p99} ms`, target: '≥ 1,000 messages/s', met: e2e.messagesPerSecond >= 1_000 },
    {
      name: `End to end to one destination (one MX host, ${MAX_CONNECTIONS} connections at most)`,
      value: `${oneDest.messagesPerSecond} messages/s, ${Math.round((100 * oneDest.messagesPerSecond) / tenRate)}% of the ten-destination rate (the mean of ${e2e.messagesPerSecond} before it and ${e2eAgain.messagesPerSecond} after it); p50 ${oneDest.p50} ms, p99 ${oneDest.p99} ms; ${oneDest.messages - oneDest.missing}/${oneDest.messages} received, ${oneDest.duplicates} duplicates`,
      target: '≥ 95% of the ten-destination rate',
      met: oneDest.missing === 0 && oneDest.duplicates === 0 && oneDest.messagesPerSecond >= 0.95 * tenRate,
    },
    {
      name: "Herald's CPU per delivered message, one destination (API, workers, Postgres, Redis)",
      value: `${heraldMicros} µs = ${(heraldMicros / signatureMicros).toFixed(1)} RSA-2048 signatures of ${signatureMicros} µs each (measured in this run)`,
      target: '≤ 4 signatures',
      met: heraldMicros <= 4 * signatureMicros,
    },
    ...(postfix ? postfixFigures(postfix, oneDest.messagesPerSecond, heraldMicros) : []),
    { name: 'Connections open at once to the one destination', value: String(peakToOne), target: `≤ ${MAX_CONNECTIONS} (the limit, across all workers)`, met: peakToOne <= MAX_CONNECTIONS },
    {
      name: `One destination after ${QUIET_MS / 1_000} s of quiet (${BURST_MESSAGES} messages, 100 a call; rate from the first request to the last arrival)`,
      value: `${burst.messagesPerSecond} messages/s, ${Math.round((100 * burst.messagesPerSecond) / oneDest.messagesPerSecond)}% of the steady one-destination rate; p50 ${burst.p50} ms, p99 ${burst.p99} ms, max ${burst.max} ms; ${burst.messages - burst.missing}/${burst.messages} received, ${burst.duplicates} duplicates; at most ${peakInBurst} connections`,
      target: '≥ 25% of the steady rate: no stall of seconds (a guard of this bench, not the issue\'s)',
      met: burst.missing === 0 && burst.duplicates === 0 && peakInBurst <= MAX_CONNECTIONS && burst.messagesPerSecond >= 0.25 * oneDest.messagesPerSecond,
    },
    ...(apiWarm ? [apiColdStartFigure(apiWarm, apiSingle.flat, apiBatch)] : []),
    ...(warm && warmPhase ? [coldStartFigure(warm, warmPhase, e2ePhase)] : []),
    {
      name: 'Received intact and signed (both ten-destination runs)',
      value: `${tens.messages - tens.missing}/${tens.messages} received, ${tens.unsigned} unsigned, ${tens.broken} cut short, ${tens.duplicates} duplicates; DKIM verified on ${verified}/${samples.length} samples`,
      target: 'all',
      met: tens.missing === 0 && tens.unsigned === 0 && tens.broken === 0 && tens.duplicates === 0 && verified === samples.length,
    },
    { name: 'Sink baseline (pooled nodemailer from two processes, no Herald)', value: `${baseline} messages/s; Herald end to end is ${Math.round((100 * e2e.messagesPerSecond) / baseline)}% of it`, target: '', met: null },
    { name: 'Sink capacity (minimal pipelining client, plain text, no Herald)', value: `${capacity} messages/s; Herald end to end is ${Math.round((100 * e2e.messagesPerSecond) / capacity)}% of it`, target: '', met: null },
    { name: 'API peak RSS (accept runs)', value: mb(apiAcceptPeak), target: '', met: null },
    { name: 'Worker RSS while delivering (median / peak)', value: `${mb(workerSteady)} / ${mb(workerPeak)}`, target: 'steady ≤ 256 MB', met: workerSteady <= 256 * 2 ** 20 },
    { name: '25 MB attachment: worker peak RSS over steady', value: `+${mb(large.workerPeak - large.workerBefore)} (${mb(large.workerBefore)} → ${mb(large.workerPeak)}); API peak ${mb(large.apiPeak)}${large.delivered ? '' : '; NOT DELIVERED'}`, target: '≤ +100 MB', met: large.delivered && large.workerPeak - large.workerBefore <= 100 * 2 ** 20 },
  );
  const [oneWorker, twoWorkers] = [byWorkers.find((r) => r.workers === 1), byWorkers.find((r) => r.workers === 2)];
  if (oneWorker && twoWorkers) {
    figures.push({
      name: 'Two workers against one (ten destinations; one destination), table below',
      value: `${twoWorkers.ten} against ${oneWorker.ten} msg/s (${Math.round((100 * twoWorkers.ten) / oneWorker.ten)}%); ${twoWorkers.one} against ${oneWorker.one} msg/s (${Math.round((100 * twoWorkers.one) / oneWorker.one)}%)`,
      target: 'two deliver more than one, in both',
      met: twoWorkers.ten > oneWorker.ten && twoWorkers.one > oneWorker.one,
    });
  }
  if (byWorkers.length > 0) {
    const failed = byWorkers.filter((r) => r.peak > MAX_CONNECTIONS || r.lost > 0);
    figures.push({
      name: 'By number of workers: connection limit held, nothing missing or sent twice',
      value: failed.length ? `not with ${failed.map((r) => r.workers).join(', ')} worker(s)` : `with ${byWorkers.map((r) => r.workers).join(', ')} worker(s)`,
      target: 'all',
      met: failed.length === 0,
    });
  }
} catch (err) {
  // what the processes said is the first thing to read when a run fails
  const problems = (output: string) => output.split('\n').filter((l) => /"level":[56]0/.test(l)).slice(-5).join('\n');
  console.error([`API:\n${problems(herald.api.output())}`, ...herald.workers.map((w, i) => `worker ${i + 1}:\n${problems(w.output())}`)].join('\n'));
  throw err;
} finally {
  rss.stop();
  await herald.stop();
}

const run = [
  '## Latest run',
  '',
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · commit ${commit()} · ${machine()} · ${BENCH_API_PROCESSES} API and ${WORKERS} worker process(es), metrics ${BENCH_METRICS}, Postgres, Redis and the sink on this one machine · ${Math.round((Date.now() - started) / 1_000)} s`,
  '',
  table(figures),
  '',
  'CPU time per request or message, by process (user + system, from /proc), in each phase:',
  '',
  cpuTable(phases),
  '',
  ...(byWorkers.length > 0 ? ['End to end by number of workers (the same Herald; each count runs both phases):', '', byWorkersTable(byWorkers, BY_WORKERS_MESSAGES, MAX_CONNECTIONS), ''] : []),
].join('\n');
writeFileSync(RESULTS, withLatestRun(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n', run));
console.log(`\n${table(figures)}\n\n${cpuTable(phases)}\n\n${byWorkers.length > 0 ? `${byWorkersTable(byWorkers, BY_WORKERS_MESSAGES, MAX_CONNECTIONS)}\n\n` : ''}written to bench/RESULTS.md`);

/** The API's cold start: its warm-up's rate, and the API's CPU per request and per batched message against the measured phases after it. */
function apiColdStartFigure(warm: ApiWarmUp, steadySingle: number, steadyBatch: number): Figure {
  const apiMicros = (phase: CpuPhase) => Math.round((1e6 * (phase.seconds.api ?? 0)) / Math.max(1, phase.units));
  return {
    name: `API cold start: its first ${API_WARMUP_SECONDS} s of single requests at 50 connections, then its first ${warm.batched} messages in batches (and as many by template; not counted in the phases above)`,
    value: `${warm.single.rps} req/s, p99 ${warm.single.p99} ms; API CPU ${apiMicros(warm.phases.single)} µs per request (${steadySingle} µs in the single-accept phase after it) and ${apiMicros(warm.phases.batched)} µs per batched message (${steadyBatch} µs after it)`,
    target: '',
    met: null,
  };
}

/** The cold start: the warm-up's rates, and what its messages cost against the steady ten-destination phase after it. */
function coldStartFigure(warm: { ten: EndToEndResult; one: EndToEndResult }, warmPhase: CpuPhase, steadyPhase: CpuPhase): Figure {
  const perMessage = (phase: CpuPhase) => Math.round((1e6 * Object.values(phase.seconds).reduce((a, b) => a + b, 0)) / Math.max(1, phase.units));
  return {
    name: `Cold start: the first ${warm.ten.messages + warm.one.messages} messages after the workers start (half to ten destinations, half to one; not counted in the phases above)`,
    value: `${warm.ten.messagesPerSecond} and ${warm.one.messagesPerSecond} messages/s; ${perMessage(warmPhase)} µs of CPU per message, all processes (${perMessage(steadyPhase)} µs in the ten-destination phase after it)`,
    target: '',
    met: null,
  };
}

/** The two comparison rows: Postfix's rates, Herald's one-destination rate as a multiple of each, and the CPU each spent per message. */
function postfixFigures(p: { signed: PostfixRun; bare: PostfixRun; verified: number; openDkim: string }, heraldRate: number, heraldMicros: number): Figure[] {
  const ratio = (run: PostfixRun) => heraldRate / run.messagesPerSecond;
  const micros = (run: PostfixRun, groups: string[]) => Math.round((1e6 * groups.reduce((sum, g) => sum + (run.cpu[g] ?? 0), 0)) / Math.max(1, run.messages - run.missing));
  const whole = (run: PostfixRun) => run.missing === 0 && run.duplicates === 0 && run.broken === 0;
  const received = (run: PostfixRun) => `${run.messages - run.missing}/${run.messages} received${run.duplicates ? `, ${run.duplicates} duplicates` : ''}${run.broken ? `, ${run.broken} cut short` : ''}`;
  return [
    {
      name: `Postfix ${p.signed.version} + OpenDKIM ${p.openDkim} (same messages, same sink, one destination, Postfix defaults)`,
      value: `${p.signed.messagesPerSecond} messages/s, ${received(p.signed)}, ${p.signed.unsigned} unsigned, DKIM verified on ${p.verified}/${p.signed.samples.length} samples, at most ${p.signed.peakConnections} connections to the sink; CPU ${micros(p.signed, ['postfix', 'opendkim'])} µs per message (Herald ${heraldMicros} µs); Herald is ${ratio(p.signed).toFixed(1)}× it`,
      target: 'Herald ≥ 5×',
      met: whole(p.signed) && p.signed.unsigned === 0 && p.verified === p.signed.samples.length && ratio(p.signed) >= 5,
    },
    {
      name: `Postfix ${p.bare.version} without DKIM (same messages, same sink, one destination, Postfix defaults)`,
      value: `${p.bare.messagesPerSecond} messages/s, ${received(p.bare)}, at most ${p.bare.peakConnections} connections to the sink; CPU ${micros(p.bare, ['postfix'])} µs per message; Herald is ${ratio(p.bare).toFixed(1)}× it`,
      target: 'Herald ≥ 2×',
      met: whole(p.bare) && ratio(p.bare) >= 2,
    },
  ];
}

/** Cancels every message still waiting and empties the queue (bench data only): workers start with no backlog. */
async function setAsideQueued(env: NodeJS.ProcessEnv): Promise<void> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  await client.query("UPDATE recipients SET status = 'cancelled', final_at = now() WHERE status IN ('queued', 'deferred')");
  await client.query("UPDATE messages SET status = 'cancelled' WHERE status IN ('queued', 'scheduled')");
  await client.end();
  const connection = createRedis(env.REDIS_URL as string);
  const queues = createDeliveryQueues(connection, env.HERALD_QUEUE_PREFIX as string);
  await Promise.all([queues.single.obliterate({ force: true }), queues.batches.obliterate({ force: true })]);
  await queues.close();
  connection.disconnect();
}
