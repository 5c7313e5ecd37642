/**
 * Environment throughput.
 *   env.cartpole.steps_per_s               CartPole-v1 steps/s on one thread (allocation-free stepInto path),
 *                                          with the default numpy-SVML sine/cosine
 *   env.cartpole_math_trig.steps_per_s     the same with trig: 'math' (Math.sin/Math.cos)
 * (The figure names keep the words of the classes' former names: envbatch = SyncVectorEnv, envpool = AsyncVectorEnv.)
 *   env.kung_fu_master.envbatch8_steps_per_s   agent steps/s, 8 envs, frame skip 4 + PreprocessAtari, one thread (SyncVectorEnv)
 *   env.kung_fu_master.envpool_steps_per_s     the same 8 envs in an AsyncVectorEnv (one worker per core)
 *   env.kung_fu_master.envpool_speedup         AsyncVectorEnv / SyncVectorEnv wall-clock throughput
 *   env.kung_fu_master.envpool_cpu_speedup     the speed-up the pool reaches when each thread has a core of
 *                                              its own: SyncVectorEnv's CPU time per step over the CPU time of
 *                                              the busiest pool thread (independent of other load)
 *   env.kung_fu_master.envpool1_steps_per_s    one worker holding all 8 envs (the cost of running in a worker)
 *   env.kung_fu_master.envbatch8_cores_used,
 *   env.kung_fu_master.envpool_cores_used      CPU time over wall time while each ran: on a shared machine
 *                                              (Linux autogroups share the CPU per session, not per thread)
 *                                              a pool that receives no more than one core cannot beat
 *                                              SyncVectorEnv, whatever its design
 *   env.kung_fu_master.envpool_overhead_share  share of a pool step's wall time outside the slowest
 *                                              worker's env calls (signalling, wake-ups, waiting)
 *   env.kung_fu_master.envpool_imbalance       slowest worker's env time over the workers' mean
 *   env.pool.sync_us_per_step                  AsyncVectorEnv round trip per batch step with near-free envs (CartPole)
 *   env.kung_fu_master.preprocess_share        share of an agent step spent in PreprocessAtari
 * The Kung-Fu configurations run interleaved (A/B/C, A/B/C, ...) so that a change in the machine's load
 * hits all of them alike; each figure is the best of the runs (the least disturbed), and the load average
 * is printed with them. On a shared machine the wall-clock speed-up is bounded by the idle cores, the
 * CPU-time speed-up is not.
 */
import { availableParallelism, loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import {
  AsyncVectorEnv,
  make,
  makeFromSpec,
  PreprocessAtari,
  register,
  StepOutcome,
  SyncVectorEnv,
  type EnvSpec,
  type FastEnv,
} from '../lib/envs';
import { sharedPath } from '../lib/util/paths';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function cartpole(trig: 'numpy-svml' | 'math' = 'numpy-svml'): number {
  const env = make('CartPole-v1', { trig }) as unknown as FastEnv;
  const obs = new Float32Array(4),
    o = new StepOutcome();
  env.resetInto(obs, 0, { seed: 0 });
  const steps = 2_000_000;
  let a = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    env.stepInto(a, obs, 0, o);
    a = obs[2] + 0.3 * obs[3] > 0 ? 1 : 0;
    if (o.terminated || o.truncated) env.resetInto(obs, 0);
  }
  return steps / ((performance.now() - t0) / 1000);
}

const KFM_ID = 'BenchKungFu-v0';
register({
  id: KFM_ID,
  description: 'KungFuMasterDeterministic-v4 through PreprocessAtari (benchmark)',
  create: (o) => new PreprocessAtari(make('KungFuMasterDeterministic-v4', o)),
});
const spec: EnvSpec = { id: KFM_ID, module: 'bench/env.bench.ts' };

function actionsFor(step: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (step * 7 + i * 3) % 14);
}

/** CPU seconds used so far by each thread of this process (Linux /proc, 10 ms resolution); empty elsewhere. */
function threadCpuSeconds(): Map<string, number> {
  const m = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return m;
  }
  for (const tid of tids) {
    try {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      m.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in clock ticks of 1/100 s
    } catch {
      /* the thread ended */
    }
  }
  return m;
}

interface Run {
  stepsPerS: number;
  /** CPU seconds of the busiest thread per agent step (NaN without /proc). */
  busiestCpuPerStep: number;
  /** CPU time of all this process's threads over the wall time: the cores the run actually received. */
  coresUsed: number;
  /** Pools only: the slowest worker's and the workers' mean time in env calls, as shares of the wall time. */
  slowestWorkerShare?: number;
  meanWorkerShare?: number;
}

/** Runs `steps` batch steps of `step` and measures wall time and the busiest thread's CPU time. */
async function timed(steps: number, step: (s: number) => unknown, pool?: AsyncVectorEnv): Promise<Run> {
  const c0 = threadCpuSeconds();
  const u0 = process.cpuUsage();
  const b0 = pool?.workerBusyMs();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) await step(s);
  const wallMs = performance.now() - t0;
  const c1 = threadCpuSeconds();
  let busiest = 0;
  for (const [tid, v] of c1) busiest = Math.max(busiest, v - (c0.get(tid) ?? 0));
  const u = process.cpuUsage(u0);
  const run: Run = {
    stepsPerS: (steps * 8) / (wallMs / 1000),
    busiestCpuPerStep: c1.size ? busiest / steps : NaN,
    coresUsed: (u.user + u.system) / 1000 / wallMs,
  };
  if (pool && b0) {
    const busy = pool.workerBusyMs().map((v, w) => v - b0[w]);
    run.slowestWorkerShare = Math.max(...busy) / wallMs;
    run.meanWorkerShare = busy.reduce((a, b) => a + b, 0) / busy.length / wallMs;
  }
  return run;
}

/** AsyncVectorEnv's own cost per batch step: CartPole (about a microsecond per env step) in a pool vs in this thread. */
async function poolSyncMicros(workers: number): Promise<number> {
  const steps = 3000;
  const batch = new SyncVectorEnv(Array.from({ length: 8 }, () => make('CartPole-v1')));
  batch.reset(1);
  const pool = await AsyncVectorEnv.create({ id: 'CartPole-v1' }, { n: 8, workers });
  await pool.reset(1);
  const a = new Int32Array(8);
  const perStep: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      a.fill(s & 1);
      batch.step(a);
    }
    const tb = performance.now() - t0;
    t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      a.fill(s & 1);
      await pool.step(a);
    }
    const tp = performance.now() - t0;
    perStep.push(((tp - tb) / steps) * 1000);
  }
  await pool.close();
  return Math.min(...perStep);
}

function preprocessShare(steps: number): number {
  const env = new PreprocessAtari(make('KungFuMasterDeterministic-v4', { seed: 1 }), {}, { timing: true });
  const obs = new Float32Array(env.obsSize),
    o = new StepOutcome();
  env.resetInto(obs, 0);
  env.preprocessMs = 0;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    env.stepInto(actionsFor(s, 1)[0], obs, 0, o);
    if (o.terminated || o.truncated) env.resetInto(obs, 0);
  }
  return env.preprocessMs / (performance.now() - t0);
}

async function main(): Promise<void> {
  // Child workers of the pool load this file for the registration above; they must not run the benchmark.
  const rows: Array<[string, number, string]> = [];
  // Kung-Fu Master first: the CartPole runs below would leave this thread's shared code (batch stepping,
  // wrappers) compiled for two kinds of env, which slows SyncVectorEnv here but not in the pool's fresh workers.
  const workers = availableParallelism();
  if (sharedPath('roms', 'kung_fu_master.bin') || process.env.GRADIENT_DOJO_ROMS) {
    const reps = Number(process.env.ENV_BENCH_REPS ?? 5),
      steps = 120;
    const batch = new SyncVectorEnv(Array.from({ length: 8 }, () => makeFromSpec(spec)));
    batch.reset(1);
    const pool = await AsyncVectorEnv.create(spec, { n: 8, workers });
    await pool.reset(1);
    const pool1 = await AsyncVectorEnv.create(spec, { n: 8, workers: 1 });
    await pool1.reset(1);
    const configs: Array<[string, (s: number) => unknown, AsyncVectorEnv?]> = [
      ['batch', (s) => batch.step(actionsFor(s, 8))],
      ['pool', (s) => pool.step(actionsFor(s, 8)), pool],
      ['pool1', (s) => pool1.step(actionsFor(s, 8)), pool1],
    ];
    for (const [, f] of configs) await timed(20, f); // warm-up: compile and reach steady state
    const runs = new Map<string, Run[]>(configs.map(([name]) => [name, []]));
    const load0 = loadavg()[0];
    for (let r = 0; r < reps; r++) {
      for (const [name, f, p] of configs) runs.get(name)!.push(await timed(steps, f, p));
    }
    const load1 = loadavg()[0];
    await pool.close();
    await pool1.close();
    const best = (name: string) => Math.max(...runs.get(name)!.map((x) => x.stepsPerS));
    const bestCpu = (name: string) => Math.min(...runs.get(name)!.map((x) => x.busiestCpuPerStep));
    const b = best('batch'),
      p = best('pool'),
      p1 = best('pool1');
    const cpuSpeedup = bestCpu('batch') / bestCpu('pool');
    // The pool's own cost and its imbalance, from the run with the best throughput.
    const bestPoolRun = runs.get('pool')!.reduce((a, x) => (x.stepsPerS > a.stepsPerS ? x : a));
    const overheadShare = 1 - bestPoolRun.slowestWorkerShare!;
    const imbalance = bestPoolRun.slowestWorkerShare! / bestPoolRun.meanWorkerShare!;
    const load = `load average ${load0.toFixed(1)}..${load1.toFixed(1)} on ${availableParallelism()} cores`;
    for (const [name] of configs) {
      const rs = runs.get(name)!;
      console.log(
        `${name.padEnd(6)} agent steps/s per run: ${rs.map((x) => Math.round(x.stepsPerS)).join(' ')}; busiest thread ms CPU per step: ${rs.map((x) => (x.busiestCpuPerStep * 1000).toFixed(2)).join(' ')}; cores used: ${rs.map((x) => x.coresUsed.toFixed(2)).join(' ')}`,
      );
      if (rs[0].slowestWorkerShare !== undefined) {
        console.log(
          `${''.padEnd(6)} slowest worker's env time / wall: ${rs.map((x) => x.slowestWorkerShare!.toFixed(3)).join(' ')}; mean worker: ${rs.map((x) => x.meanWorkerShare!.toFixed(3)).join(' ')}`,
        );
      }
    }
    preprocessShare(50);
    const share = median([preprocessShare(400), preprocessShare(400), preprocessShare(400)]);
    rows.push(['env.kung_fu_master.envbatch8_steps_per_s', Math.round(b), `steps/s (best of ${reps}, ${load})`]);
    rows.push(['env.kung_fu_master.envpool_steps_per_s', Math.round(p), `steps/s (${workers} workers, best of ${reps}, ${load})`]);
    rows.push(['env.kung_fu_master.envpool_speedup', Number((p / b).toFixed(2)), `x SyncVectorEnv, wall clock (${load})`]);
    if (Number.isFinite(cpuSpeedup))
      rows.push([
        'env.kung_fu_master.envpool_cpu_speedup',
        Number(cpuSpeedup.toFixed(2)),
        'x SyncVectorEnv with a core per thread (CPU time of the busiest thread)',
      ]);
    rows.push([
      'env.kung_fu_master.envpool_overhead_share',
      Number(overheadShare.toFixed(4)),
      "of the pool step wall time outside the slowest worker's env calls (best run)",
    ]);
    rows.push(['env.kung_fu_master.envpool_imbalance', Number(imbalance.toFixed(3)), 'slowest worker env time / mean (best run)']);
    const medianCores = (name: string) => median(runs.get(name)!.map((x) => x.coresUsed));
    rows.push([
      'env.kung_fu_master.envbatch8_cores_used',
      Number(medianCores('batch').toFixed(2)),
      'cores this process received while SyncVectorEnv ran (median; 1.0 = a whole core)',
    ]);
    rows.push([
      'env.kung_fu_master.envpool_cores_used',
      Number(medianCores('pool').toFixed(2)),
      `cores this process received while AsyncVectorEnv ran (median; ${workers} would be all of them)`,
    ]);
    rows.push([
      'env.kung_fu_master.envpool1_steps_per_s',
      Math.round(p1),
      `steps/s (1 worker with all 8 envs; ${(p1 / b).toFixed(2)}x SyncVectorEnv)`,
    ]);
    rows.push(['env.kung_fu_master.preprocess_share', Number(share.toFixed(4)), 'fraction of an agent step']);
  } else {
    console.log('Kung-Fu Master ROM not found (../shared/roms or GRADIENT_DOJO_ROMS): Atari figures skipped');
  }

  cartpole(); // warm-up
  const cp = median([cartpole(), cartpole(), cartpole()]);
  rows.unshift(['env.cartpole.steps_per_s', Math.round(cp), 'steps/s']);
  cartpole('math');
  rows.splice(1, 0, [
    'env.cartpole_math_trig.steps_per_s',
    Math.round(median([cartpole('math'), cartpole('math'), cartpole('math')])),
    'steps/s',
  ]);
  rows.splice(2, 0, [
    'env.pool.sync_us_per_step',
    Number((await poolSyncMicros(workers)).toFixed(1)),
    `µs per batch step of 8 (${workers} workers)`,
  ]);
  for (const [name, value, unit] of rows) console.log(`BENCH ${name} ${value} ${unit}`);
  console.log('');
  for (const [name, value, unit] of rows) console.log(`${name.padEnd(44)} ${String(value).padStart(12)}  ${unit}`);
}

const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
if (isMainThread && require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
