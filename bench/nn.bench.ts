/**
 * Neural-network layer benchmark: the A3C network's update (forward + backward + Adam) and forward pass
 * on stock tfjs backends and on ours, side by side in one run, plus the LSTM agent's rollout update and
 * one whole `RecurrentA2C` update on Kung-Fu (acting, replay through `lstmUnroll`, Adam).
 * Prints a table and `BENCH <name> <value> ms` lines (medians), and `BACKEND <name>` (what ready() picks).
 */
import * as tf from '@tensorflow/tfjs';
import * as nn from '../lib/nn';
import { wasmBinaryDir } from '../lib/nn/backend';
import { Rng } from '../lib/util/rng';
import { RecurrentA2C } from '../lib/algos/recurrent-a2c';
import { spawnSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
/** Child run: only our wasm backend, reporting figures with a suffix (used for the run without FMA). */
const oursOnly = process.argv.includes('--ours-only');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Beside each wall-clock median: the fastest run, and the median and minimum of the process's CPU time
 * per run. On a shared, loaded machine the wall clock includes time spent waiting for a core; CPU time
 * and the minimum show the cost of the work itself.
 */
const extras = new Map<number, { min: number; cpu: number; cpuMin: number }>();

/**
 * Warm-up updates before timing ours: the first few dozen run while V8 is still optimising tfjs's
 * JavaScript (op dispatch, the gradient tape) in a background thread, and are slower and noisier.
 */
const WARM_UPDATES = 20;

function time(fn: () => void, runs: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  const m = median(ts);
  extras.set(m, { min: Math.min(...ts), cpu: median(cs), cpuMin: Math.min(...cs) });
  return m;
}

function frames(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n * 42 * 42 * 4);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform();
  return a;
}

/** One A2C/A3C-style update of the A3C net on a batch: policy-gradient + value + entropy loss, Adam. */
function a3cUpdate(net: nn.ConvActorCritic, opt: nn.Optimizer, obs: tf.Tensor, actions: Int32Array, returns: tf.Tensor1D): () => void {
  return () => {
    opt.minimize(() =>
      tf.tidy(() => {
        const { logits, value } = net.forward(obs);
        const adv = tf.sub(returns, value);
        const pg = tf.neg(tf.mean(tf.mul(nn.logProb(logits, actions), nn.stopGradient(adv))));
        const v = tf.mul(0.5, tf.mean(tf.square(adv)));
        const ent = tf.mean(nn.entropyOfLogits(logits));
        return tf.sub(tf.add(pg, v), tf.mul(0.01, ent)) as tf.Scalar;
      }),
    );
  };
}

interface A3cFixture {
  net: nn.ConvActorCritic;
  opt: nn.Optimizer;
  update: () => void;
  forward: () => void;
  dispose: () => void;
}

function a3cFixture(batch: number): A3cFixture {
  const rng = new Rng(batch);
  const net = nn.a3cNet({ nActions: 14, seed: 1 });
  const opt = new nn.Optimizer(net, { kind: 'adam', lr: 1e-4 });
  const obs = tf.tensor4d(frames(rng, batch), [batch, 42, 42, 4]);
  const actions = Int32Array.from({ length: batch }, () => rng.int(14));
  const returns = tf.tensor1d(Float32Array.from({ length: batch }, () => rng.range(-1, 1)));
  return {
    net,
    opt,
    update: a3cUpdate(net, opt, obs, actions, returns),
    // Forward as the acting loop uses it: logits and values read back to the host.
    forward: () =>
      tf.tidy(() => {
        const o = net.forward(obs);
        o.logits.dataSync();
        o.value.dataSync();
      }),
    dispose: () => {
      tf.dispose([obs, returns]);
      net.dispose();
    },
  };
}

/** The recurrent agent's update over a 10-step rollout of 5 environments (truncated BPTT). */
function lstmFixture(T: number, B: number): { update: () => void; dispose: () => void } {
  const rng = new Rng(3);
  const agent = nn.recurrentAgent({ nActions: 14, seed: 1 });
  const opt = new nn.Optimizer(agent, { kind: 'adam', lr: 1e-4 });
  const obs = tf.tensor5d(frames(rng, T * B), [T, B, 42, 42, 4]);
  const actions = Int32Array.from({ length: T * B }, () => rng.int(14));
  const returns = tf.tensor1d(Float32Array.from({ length: T * B }, () => rng.range(-1, 1)));
  const state = agent.initialState(B);
  return {
    update: () => {
      opt.minimize(() =>
        tf.tidy(() => {
          const r = agent.rollout(state, obs);
          const logits = tf.reshape(r.logits, [T * B, 14]) as tf.Tensor2D;
          const values = tf.reshape(r.values, [T * B]);
          const adv = tf.sub(returns, values);
          const pg = tf.neg(tf.mean(tf.mul(nn.logProb(logits, actions), nn.stopGradient(adv))));
          return tf.sub(tf.add(pg, tf.mul(0.5, tf.mean(tf.square(adv)))), tf.mul(0.01, tf.mean(nn.entropyOfLogits(logits)))) as tf.Scalar;
        }),
      );
    },
    dispose: () => {
      tf.dispose([obs, returns, state.h, state.c]);
      agent.dispose();
    },
  };
}

/**
 * One `RecurrentA2C.update()` with its defaults on the Kung-Fu training env, 5 envs x 20 steps stepped in
 * this thread: the T acting steps, the replay through `lstmUnroll` inside the gradient, and Adam. Unlike
 * `lstmFixture` (the nn model's fused rollout), this is what chapter 5's training runs. Wall-clock median
 * (`extras` as for `time`); a reason instead when the ROM is missing.
 */
async function recurrentA2CUpdate(runs: number, warmup: number): Promise<number | string> {
  let algo: RecurrentA2C;
  try {
    algo = new RecurrentA2C({ envId: 'KungFuMasterDeterministic-v0', seed: 1, numEnvs: 5, rolloutLength: 20 });
  } catch (e) {
    return `skipped (${(e as Error).message.split(':')[0]})`;
  }
  try {
    for (let i = 0; i < warmup; i++) await algo.update();
    const ts: number[] = [];
    const cs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await algo.update();
      ts.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cs.push((c.user + c.system) / 1000);
    }
    const m = median(ts);
    extras.set(m, { min: Math.min(...ts), cpu: median(cs), cpuMin: Math.min(...cs) });
    return m;
  } finally {
    await algo.dispose();
  }
}

/** Our wasm figures only, for a second process started with fused multiply-add switched off. */
async function oursOnlyMain(): Promise<void> {
  const runs = quick ? 5 : 21;
  await nn.useBackend('wasm');
  console.log(`# ${nn.describeBackend()}`);
  const f10 = a3cFixture(10);
  const fwd = time(f10.forward, runs, 20);
  const u10 = time(f10.update, runs, WARM_UPDATES);
  f10.dispose();
  const lstm = lstmFixture(10, 5);
  const lu = time(lstm.update, quick ? 5 : 21, 5);
  lstm.dispose();
  for (const [name, v] of [
    ['a3c.forward_b10', fwd],
    ['a3c.update_b10', u10],
    ['lstm.rollout_update', lu],
  ] as const) {
    const x = extras.get(v)!;
    console.log(`ROW ${name} ${v.toFixed(2)} ${x.min.toFixed(2)} ${x.cpu.toFixed(2)} ${x.cpuMin.toFixed(2)}`);
    console.log(`BENCH nn.${name}_nofma_ms ${v.toFixed(2)} ms`);
    console.log(`BENCH nn.${name}_nofma_min_ms ${x.min.toFixed(2)} ms`);
  }
}

/** Runs this benchmark again with GRADIENT_DOJO_FMA=0 (separate multiply and add), and prints its rows and figures. */
function noFmaRun(): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--ours-only', ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_FMA: '0' },
  });
  if (r.status !== 0) return [`# run without FMA failed: ${(r.stderr || '').split('\n').slice(-3).join(' ')}`];
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

async function main(): Promise<void> {
  if (oursOnly) return oursOnlyMain();
  const runs = quick ? 5 : 21;
  const rows: Array<[string, string, number | string]> = [];
  const fmt = (x: number | string) => (typeof x === 'number' ? x.toFixed(2) : x);

  // Stock wasm (before our kernels are installed): forward only; training lacks Conv2DBackpropFilter.
  {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBinaryDir());
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await tf.setBackend('wasm');
    const f = a3cFixture(10);
    rows.push(['stock wasm', 'a3c forward b10', time(f.forward, runs, 5)]);
    let why = 'ran';
    try {
      f.update();
    } catch (e) {
      why = `fails: ${(e as Error).message}`;
    }
    rows.push(['stock wasm', 'a3c update b10', why]);
    f.dispose();
  }

  // Ours: the backend ready() chooses, then the other fallback for comparison.
  const chosen = await nn.ready();
  console.log(`BACKEND ${chosen}`);
  console.log(`# ${nn.describeBackend()}`);
  const figures: Record<string, number> = {};
  // One whole RecurrentA2C update, first: the cpu fallback's and stock cpu's long updates leave a heap behind that slows it.
  const rnnUpdate = await recurrentA2CUpdate(quick ? 5 : 15, 3);
  for (const kind of [chosen, ...(['wasm', 'cpu'] as const).filter((k) => k !== chosen)]) {
    await nn.useBackend(kind);
    const label = `ours ${kind}`;
    const f10 = a3cFixture(10);
    const fwd = time(f10.forward, runs, kind === 'cpu' ? 5 : 20);
    const u10 = time(f10.update, kind === 'cpu' && quick ? 3 : runs, kind === 'cpu' ? 3 : WARM_UPDATES);
    f10.dispose();
    const f32 = a3cFixture(32);
    const u32 = time(f32.update, kind === 'cpu' ? 5 : runs, kind === 'cpu' ? 2 : WARM_UPDATES);
    f32.dispose();
    const lstm = lstmFixture(10, 5);
    const lu = time(lstm.update, kind === 'cpu' ? 3 : quick ? 5 : 21, kind === 'cpu' ? 2 : 5);
    lstm.dispose();
    rows.push(
      [label, 'a3c forward b10', fwd],
      [label, 'a3c update b10', u10],
      [label, 'a3c update b32', u32],
      [label, 'lstm rollout update T10 x B5', lu],
    );
    if (kind === chosen) rows.push([label, 'recurrent-a2c update 5x20', rnnUpdate]);
    if (kind === chosen) Object.assign(figures, { fwd, u10, u32, lu });
  }
  // Stock cpu (tfjs's own kernels), measured last: its seconds-long updates leave a large, fragmented
  // JavaScript heap behind that would slow whatever ran after it.
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  {
    const f = a3cFixture(10);
    const fwd = time(f.forward, quick ? 3 : 7, 1);
    const upd = time(f.update, quick ? 1 : 3, 1);
    rows.unshift(['stock cpu', 'a3c forward b10', fwd], ['stock cpu', 'a3c update b10', upd]);
    console.log(`BENCH nn.a3c.update_b10_ms_stock_cpu ${upd.toFixed(2)} ms`);
    f.dispose();
  }

  await nn.ready();

  const stockUpdate = rows.find((r) => r[0] === 'stock cpu' && r[1] === 'a3c update b10')![2] as number;
  console.log(
    `\n${'backend'.padEnd(12)} ${'measure'.padEnd(30)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'cpu med'.padStart(9)} ${'cpu min'.padStart(9)}  vs stock cpu update`,
  );
  for (const [b, m, v] of rows) {
    const ratio = typeof v === 'number' && m.includes('update b10') ? `${(stockUpdate / v).toFixed(0)}x faster` : '';
    const x = typeof v === 'number' ? extras.get(v) : undefined;
    const col = (f?: number) => String(f === undefined ? '' : fmt(f)).padStart(9);
    console.log(`${b.padEnd(12)} ${m.padEnd(30)} ${String(fmt(v)).padStart(10)} ${col(x?.min)} ${col(x?.cpu)} ${col(x?.cpuMin)}  ${ratio}`);
  }
  // The same figures without fused multiply-add (engines without relaxed SIMD, or GRADIENT_DOJO_FMA=0).
  const noFma = noFmaRun();
  for (const l of noFma.filter((x) => x.startsWith('# '))) console.log(l);
  for (const l of noFma.filter((x) => x.startsWith('ROW '))) {
    const [, name, med, min, cpu, cpuMin] = l.split(' ');
    console.log(
      `${'ours nofma'.padEnd(12)} ${name.padEnd(30)} ${med.padStart(10)} ${min.padStart(9)} ${cpu.padStart(9)} ${cpuMin.padStart(9)}  (GRADIENT_DOJO_FMA=0: no fused multiply-add)`,
    );
  }
  console.log(`\ntargets on the fallback: update b10 <= 5 ms, forward b10 <= 1.5 ms, lstm rollout update <= 25 ms`);
  console.log(`BENCH nn.a3c.update_b10_ms ${figures.u10.toFixed(2)} ms`);
  console.log(`BENCH nn.a3c.update_b32_ms ${figures.u32.toFixed(2)} ms`);
  console.log(`BENCH nn.a3c.forward_b10_ms ${figures.fwd.toFixed(2)} ms`);
  console.log(`BENCH nn.lstm.rollout_update_ms ${figures.lu.toFixed(2)} ms`);
  if (typeof rnnUpdate === 'number') {
    const x = extras.get(rnnUpdate)!;
    console.log(`BENCH algos.recurrent_a2c.update_ms ${rnnUpdate.toFixed(2)} ms`);
    console.log(`BENCH algos.recurrent_a2c.update_min_ms ${x.min.toFixed(2)} ms`);
    console.log(`BENCH algos.recurrent_a2c.update_cpu_ms ${x.cpu.toFixed(2)} ms`);
  }
  for (const [key, name] of [
    ['u10', 'a3c.update_b10'],
    ['fwd', 'a3c.forward_b10'],
    ['lu', 'lstm.rollout_update'],
  ] as const) {
    const x = extras.get(figures[key])!;
    console.log(`BENCH nn.${name}_min_ms ${x.min.toFixed(2)} ms`);
    console.log(`BENCH nn.${name}_cpu_ms ${x.cpu.toFixed(2)} ms`);
  }
  for (const l of noFma.filter((x) => x.startsWith('BENCH '))) console.log(l);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
