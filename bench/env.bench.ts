/**
 * Environment throughput.
 *   env.cartpole.steps_per_s               CartPole-v1 steps/s on one thread (allocation-free stepInto path)
 *   env.kung_fu_master.envbatch8_steps_per_s   agent steps/s, 8 envs, frame skip 4 + PreprocessAtari, one thread
 *   env.kung_fu_master.envpool_steps_per_s     the same 8 envs in an EnvPool (one worker per core)
 *   env.kung_fu_master.preprocess_share        share of an agent step spent in PreprocessAtari
 * Each figure is the median of several runs, measured side by side in this process.
 */
import { availableParallelism } from 'node:os';
import { EnvBatch, EnvPool, make, PreprocessAtari, register, StepOutcome, type FastEnv } from '../lib/envs';
import { sharedPath } from '../lib/util/paths';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function cartpole(): number {
  const env = make('CartPole-v1') as unknown as FastEnv;
  const obs = new Float32Array(4), o = new StepOutcome();
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
const spec = { id: KFM_ID, module: 'bench/env.bench.ts' };

function actionsFor(step: number, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (step * 7 + i * 3) % 14);
}

function kfmBatch(steps: number): number {
  const batch = EnvBatch.make(spec, 8);
  batch.reset(1);
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) batch.step(actionsFor(s, 8));
  return (steps * 8) / ((performance.now() - t0) / 1000);
}

async function kfmPool(pool: EnvPool, steps: number): Promise<number> {
  await pool.reset(1);
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) await pool.step(actionsFor(s, 8));
  return (steps * 8) / ((performance.now() - t0) / 1000);
}

function preprocessShare(steps: number): number {
  const env = new PreprocessAtari(make('KungFuMasterDeterministic-v4', { seed: 1 }), {}, { timing: true });
  const obs = new Float32Array(env.obsSize), o = new StepOutcome();
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
  cartpole(); // warm-up
  const cp = median([cartpole(), cartpole(), cartpole()]);
  rows.push(['env.cartpole.steps_per_s', Math.round(cp), 'steps/s']);

  if (sharedPath('roms', 'kung_fu_master.bin') || process.env.GRADIENT_DOJO_ROMS) {
    kfmBatch(20); // warm-up
    const b = median([kfmBatch(150), kfmBatch(150), kfmBatch(150)]);
    const pool = await EnvPool.create(spec, { n: 8, workers: availableParallelism() });
    await kfmPool(pool, 20);
    const p = median([await kfmPool(pool, 150), await kfmPool(pool, 150), await kfmPool(pool, 150)]);
    await pool.close();
    preprocessShare(50);
    const share = median([preprocessShare(400), preprocessShare(400), preprocessShare(400)]);
    rows.push(['env.kung_fu_master.envbatch8_steps_per_s', Math.round(b), 'steps/s']);
    rows.push(['env.kung_fu_master.envpool_steps_per_s', Math.round(p), `steps/s (${pool.workerCount} workers, ${(p / b).toFixed(2)}x EnvBatch)`]);
    rows.push(['env.kung_fu_master.preprocess_share', Number(share.toFixed(4)), 'fraction of an agent step']);
  } else {
    console.log('Kung-Fu Master ROM not found (../shared/roms or GRADIENT_DOJO_ROMS): Atari figures skipped');
  }
  for (const [name, value, unit] of rows) console.log(`BENCH ${name} ${value} ${unit}`);
  console.log('');
  for (const [name, value, unit] of rows) console.log(`${name.padEnd(44)} ${String(value).padStart(12)}  ${unit}`);
}

const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
if (isMainThread && require.main === module) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
