import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncVectorEnv, make, makeVec, SyncVectorEnv, type VectorEnv, type VectorStep } from '../../lib/envs';
import { Rng } from '../../lib/util/rng';

const FAILING = 'test/envs/fixtures/failing-env.ts';

function actionStream(seed: number, n: number, steps: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: n }, () => rng.int(2)));
}

const cartPoles = (n: number) => new SyncVectorEnv(Array.from({ length: n }, () => make('CartPole-v1')));

test('SyncVectorEnv: auto-reset, final observations and episode statistics', () => {
  const envs = cartPoles(3);
  assert.equal(envs.numEnvs, 3);
  assert.deepEqual(envs.obsShape, [4]);
  assert.equal(envs.nActions, 2);
  assert.throws(() => envs.step([0, 1, 0]), /call reset\(\) first/);
  const obs0 = Array.from(envs.reset(10));
  const single = make('CartPole-v1');
  assert.deepEqual(obs0.slice(4, 8), Array.from(single.reset({ seed: 11 }).obs), 'env i is seeded with seed + i');
  let ended = 0;
  for (let t = 0; t < 200; t++) {
    const r = envs.step([0, 1, t % 2]);
    for (const ep of r.episodes) {
      ended++;
      assert.equal(r.terminated[ep.env] || r.truncated[ep.env], 1);
      assert.ok(ep.length >= 1 && ep.return === ep.length);
      // The returned observation starts a new episode (within the reset range); finalObs holds the last one.
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(r.obs[ep.env * 4 + k]) <= 0.05);
      const fin = envs.finalObs.subarray(ep.env * 4, ep.env * 4 + 4);
      assert.ok(Math.abs(fin[0]) > 2.4 || Math.abs(fin[2]) > 0.2094);
    }
  }
  assert.ok(ended >= 10);
  assert.throws(() => envs.step([0, 1]), /need 3 actions/);
  assert.throws(() => envs.step([0, 1, 0.5]), /action 2 is 0.5, not an integer/);
});

test('AsyncVectorEnv and SyncVectorEnv give identical trajectories for the same seeds and actions', async () => {
  const n = 5,
    steps = 300;
  const sync = cartPoles(n);
  const t0 = performance.now();
  const pool = await AsyncVectorEnv.create({ id: 'CartPole-v1' }, { n, workers: 2 });
  try {
    assert.equal(pool.workerCount, 2);
    assert.equal(pool.numEnvs, n);
    assert.equal(pool.nActions, 2);
    assert.deepEqual(pool.workerBusyMs(), [0, 0]);
    await assert.rejects(pool.step(new Int32Array(n)), /call reset\(\) first/);
    assert.deepEqual(Array.from(await pool.reset(123)), Array.from(sync.reset(123)));
    for (const actions of actionStream(5, n, steps)) {
      const a = sync.step(actions);
      const b = await pool.step(actions);
      assert.deepEqual(Array.from(b.obs), Array.from(a.obs));
      assert.deepEqual(Array.from(b.rewards), Array.from(a.rewards));
      assert.deepEqual(Array.from(b.terminated), Array.from(a.terminated));
      assert.deepEqual(Array.from(b.truncated), Array.from(a.truncated));
      assert.deepEqual(b.episodes, a.episodes);
      assert.deepEqual(Array.from(pool.finalObs), Array.from(sync.finalObs));
    }
    // Each worker accounts for the time it spent in its envs: some, and never more than has passed.
    const busy = pool.workerBusyMs(),
      elapsed = performance.now() - t0;
    assert.equal(busy.length, 2);
    for (const ms of busy) assert.ok(ms > 0 && ms < elapsed, `busy ${ms} ms of ${elapsed} ms`);
  } finally {
    await pool.close();
  }
});

test('rollout: time-major [T, N] arrays, dones at episode ends, episode returns that add up the rewards', async () => {
  const envs = await makeVec('CartPole-v1', 2, { seed: 1 });
  try {
    // always push right: episodes end after ~10 steps
    const seen: number[] = [];
    const ro = await envs.rollout(40, (_, t) => {
      seen.push(t);
      return [1, 1];
    });
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, t) => t),
    );
    assert.equal(ro.T, 40);
    assert.equal(ro.N, 2);
    assert.equal(ro.obs.length, 40 * 2 * 4);
    assert.equal(ro.rewards.length, 80);
    assert.ok(ro.dones instanceof Float32Array);
    const doneCount = ro.dones.reduce((a, b) => a + b, 0);
    const finished = envs.takeFinished();
    assert.equal(finished.returns.length, doneCount);
    assert.deepEqual(envs.takeFinished(), { returns: [], lengths: [] }, 'taken once');
    assert.ok(doneCount >= 4, `expected several episode ends, got ${doneCount}`);
    // rewards summed per env between dones equal the reported returns
    const perEnv: number[][] = [[], []];
    const acc = [0, 0];
    for (let t = 0; t < 40; t++)
      for (let n = 0; n < 2; n++) {
        acc[n] += ro.rewards[t * 2 + n];
        if (ro.dones[t * 2 + n]) {
          perEnv[n].push(acc[n]);
          acc[n] = 0;
        }
      }
    assert.deepEqual([...perEnv[0], ...perEnv[1]].sort(), [...finished.returns].sort());
    await assert.rejects(
      envs.rollout(3, () => [1]),
      /must return 2 actions, got 1/,
    );
  } finally {
    await envs.close();
  }
});

test('rollout: the same in worker threads, memory carried across rollouts and reset at episode ends in onStep', async () => {
  // A memory per env counting steps since its episode began; the policy pushes by the memory's parity.
  const n = 4,
    T = 50;
  const play = async (envs: VectorEnv) => {
    let mem = new Float64Array(n);
    const policy = (obs: Float32Array) => {
      mem = mem.map((m) => m + 1);
      return Array.from({ length: n }, (_, i) => (obs[i * 4 + 2] > 0 ? 1 : 0) ^ (mem[i] % 7 === 0 ? 1 : 0));
    };
    const onStep = (_: number, dones: Float32Array) =>
      dones.forEach((d, i) => {
        if (d) mem[i] = 0;
      });
    const first = await envs.rollout(T, policy, onStep);
    const memAfterFirst = Array.from(mem);
    const second = await envs.rollout(5, policy, onStep);
    return { first, second, memAfterFirst, finished: envs.takeFinished() };
  };
  const sync = await makeVec('CartPole-v1', n, { seed: 7 });
  const pool = await makeVec('CartPole-v1', n, { workers: 2, seed: 7 });
  try {
    assert.ok(sync instanceof SyncVectorEnv && pool instanceof AsyncVectorEnv);
    const a = await play(sync),
      b = await play(pool);
    for (const k of ['obs', 'actions', 'rewards', 'dones', 'lastObs'] as const) {
      assert.deepEqual(Array.from(b.first[k]), Array.from(a.first[k]), k);
      assert.deepEqual(Array.from(b.second[k]), Array.from(a.second[k]), k);
    }
    assert.deepEqual(b.finished, a.finished);
    assert.deepEqual(b.memAfterFirst, a.memAfterFirst);
    // The memory counts steps since each env's last episode end.
    for (let i = 0; i < n; i++) {
      let since = 0;
      for (let t = 0; t < T; t++) since = a.first.dones[t * n + i] ? 0 : since + 1;
      assert.equal(a.memAfterFirst[i], since);
    }
    // The next rollout starts from the last observations.
    assert.deepEqual(Array.from(a.second.obs.subarray(0, n * 4)), Array.from(a.first.lastObs));
  } finally {
    await sync.close();
    await pool.close();
  }
});

test('makeVec: checks its arguments', async () => {
  await assert.rejects(makeVec('CartPole-v1', 2, { workers: -1 }), /workers must be a non-negative integer/);
  await assert.rejects(makeVec('CartPole-v1', 0), /n must be a positive integer/);
  await assert.rejects(makeVec({ id: 'CartPole-v1' }, 2, { options: { trig: 'math' } }), /inside the spec/);
  const envs = await makeVec('CartPole-v1', 2, { options: { maxEpisodeSteps: 3 } });
  envs.reset(0);
  let last: VectorStep | undefined;
  for (let t = 0; t < 3; t++) last = await envs.step([0, 1]);
  assert.deepEqual(Array.from(last!.truncated), [1, 1], 'options reach every env');
});

test('a worker whose env throws is reported with the env index and the pool shuts down', async () => {
  const specs = [0, 1, 2, 3].map((i) => ({
    id: i === 2 ? 'Failing-v0' : 'CartPole-v1',
    options: i === 2 ? { failAt: 3 } : {},
    module: FAILING,
    seed: i,
  }));
  const pool = await AsyncVectorEnv.create(specs, { workers: 2 });
  await pool.reset();
  await pool.step([0, 0, 0, 0]);
  await pool.step([0, 0, 0, 0]);
  await pool.step([0, 0, 0, 0]);
  await assert.rejects(pool.step([0, 0, 0, 0]), /env 2 \(Failing-v0\) threw during step: deliberate failure after 3 steps/);
  await assert.rejects(pool.step([0, 0, 0, 0]), /env 2/);
  await pool.close();
});

test('creating an env that fails in a worker is reported; unknown ids fail before any thread starts', async () => {
  await assert.rejects(AsyncVectorEnv.create({ id: 'CartPole-v3' }, { n: 2 }), /unknown environment id 'CartPole-v3'/);
  // The probe env in the main thread loads the module too, so a bad option is caught with its message.
  await assert.rejects(
    AsyncVectorEnv.create([{ id: 'CartPole-v1' }, { id: 'CartPole-v1', options: { bogus: 1 } }], { workers: 2 }),
    /unknown option 'bogus'/,
  );
});

test('after a worker failure the process exits on its own (no orphaned threads)', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const script = `
    const { AsyncVectorEnv } = require('./lib/envs');
    (async () => {
      const pool = await AsyncVectorEnv.create([{ id: 'Failing-v0', options: { failAt: 1 }, module: '${FAILING}' }, { id: 'CartPole-v1' }], { workers: 2 });
      await pool.reset();
      await pool.step([0, 0]);
      try { await pool.step([0, 0]); } catch (e) { console.log('caught', e.message); }
    })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: require('node:path').resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 30000,
  });
  assert.equal(r.signal, null, 'the process had to be killed: threads kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /caught AsyncVectorEnv: env 0 \(Failing-v0\) threw during step: deliberate failure after 1 steps/);
});

test('no envs module loads a module of a higher layer, and the registry and the Atari env do not import each other', () => {
  const { readdirSync, readFileSync, statSync } = require('node:fs') as typeof import('node:fs');
  const { join, resolve } = require('node:path') as typeof import('node:path');
  const root = resolve(__dirname, '..', '..', 'lib', 'envs');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      if (statSync(join(d, f)).isDirectory()) walk(join(d, f));
      else files.push(join(d, f));
    }
  };
  walk(root);
  for (const f of files.filter((x) => /\.(ts|js)$/.test(x))) {
    const src = readFileSync(f, 'utf8');
    // Run-time imports (type-only ones are erased) and requires.
    const deps = [...src.matchAll(/^import (?!type )[^;]*? from '([^']+)'|require\('([^']+)'\)/gm)].map((m) => m[1] ?? m[2]);
    for (const d of deps)
      assert.ok(!/\.\.\/(algos|nn|viz|grading|cli)\b/.test(d) && !/\.\.\/\.\.\/(algos|nn|viz|grading|cli)\b/.test(d), `${f} loads ${d}`);
    if (f.endsWith('atari.ts') && !f.includes('wrappers'))
      assert.ok(!deps.includes('./registry'), 'atari.ts must not import the registry at run time');
  }
});

test('AsyncVectorEnv: close() during a step settles that step with an error; a hanging env times out naming its envs', async () => {
  const hanging = (hangMs: number) => [
    { id: 'CartPole-v1', seed: 0 },
    { id: 'Hanging-v0', options: { hangAt: 1, hangMs }, module: FAILING, seed: 1 },
  ];
  let pool = await AsyncVectorEnv.create(hanging(1500), { workers: 2 });
  await pool.reset();
  await pool.step([0, 0]);
  const inFlight = assert.rejects(pool.step([0, 0]), /close\(\) was called while a step\(\) or reset\(\) was in flight/);
  await pool.close();
  await inFlight;

  pool = await AsyncVectorEnv.create(hanging(5000), { workers: 2, stepTimeoutMs: 300 });
  await pool.reset();
  await pool.step([0, 0]);
  await assert.rejects(
    pool.step([0, 0]),
    /AsyncVectorEnv\.step: envs 1\.\.1 \(worker 1\) did not finish within 300 ms: an env hangs \(Hanging-v0\)/,
  );
  await assert.rejects(pool.step([0, 0]), /did not finish within 300 ms/);
  await pool.close();
  await assert.rejects(
    AsyncVectorEnv.create({ id: 'CartPole-v1' }, { stepTimeoutMs: -1 }),
    /stepTimeoutMs must be a number of milliseconds >= 0/,
  );
});

test('AsyncVectorEnv: a wake-up that is not the worker finishing does not count as a timeout', async () => {
  const { SLOT, DONE } = await import('../../lib/envs/vector/pool-protocol');
  const specs = [
    { id: 'CartPole-v1', seed: 0 },
    { id: 'Hanging-v0', options: { hangAt: 1, hangMs: 400 }, module: FAILING, seed: 1 },
  ];
  const pool = await AsyncVectorEnv.create(specs, { workers: 2, stepTimeoutMs: 20_000 });
  try {
    await pool.reset();
    await pool.step([0, 0]);
    // The second step takes 400 ms in worker 1; meanwhile wake whoever waits on its DONE word without
    // changing it (as a spurious wake-up would). The step must still finish normally.
    const ctrl = (pool as unknown as { ctrl: Int32Array }).ctrl;
    const stepping = pool.step([0, 0]);
    const poke = setInterval(() => Atomics.notify(ctrl, 1 * SLOT + DONE), 20);
    try {
      const r = await stepping;
      assert.equal(r.rewards.length, 2);
    } finally {
      clearInterval(poke);
    }
  } finally {
    await pool.close();
  }
});
