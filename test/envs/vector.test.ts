import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvBatch, EnvPool, make, type RolloutAgent } from '../../lib/envs';
import { Rng } from '../../lib/util/rng';

const FAILING = 'test/envs/fixtures/failing-env.ts';

function actionStream(seed: number, n: number, steps: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Int32Array.from({ length: n }, () => rng.int(2)));
}

test('EnvBatch: auto-reset, final observations and episode statistics', () => {
  const batch = EnvBatch.make('CartPole-v1', 3);
  const obs0 = Array.from(batch.reset(10));
  const single = make('CartPole-v1');
  assert.deepEqual(obs0.slice(4, 8), Array.from(single.reset({ seed: 11 }).obs), 'env i is seeded with seed + i');
  let ended = 0;
  for (let t = 0; t < 200; t++) {
    const r = batch.step([0, 1, t % 2]);
    for (const ep of r.episodes) {
      ended++;
      assert.equal(r.terminated[ep.env] || r.truncated[ep.env], 1);
      assert.ok(ep.length >= 1 && ep.return === ep.length);
      // The returned observation starts a new episode (within the reset range); finalObs holds the last one.
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(r.obs[ep.env * 4 + k]) <= 0.05);
      const fin = batch.finalObs.subarray(ep.env * 4, ep.env * 4 + 4);
      assert.ok(Math.abs(fin[0]) > 2.4 || Math.abs(fin[2]) > 0.2094);
    }
  }
  assert.ok(ended >= 10);
  assert.throws(() => batch.step([0, 1]), /need 3 actions/);
});

test('EnvPool and EnvBatch give identical trajectories for the same seeds and actions', async () => {
  const n = 5, steps = 300;
  const batch = EnvBatch.make('CartPole-v1', n);
  const t0 = performance.now();
  const pool = await EnvPool.create({ id: 'CartPole-v1' }, { n, workers: 2 });
  try {
    assert.equal(pool.workerCount, 2);
    assert.deepEqual(pool.workerBusyMs(), [0, 0]);
    assert.deepEqual(Array.from(await pool.reset(123)), Array.from(batch.reset(123)));
    for (const actions of actionStream(5, n, steps)) {
      const a = batch.step(actions);
      const b = await pool.step(actions);
      assert.deepEqual(Array.from(b.obs), Array.from(a.obs));
      assert.deepEqual(Array.from(b.rewards), Array.from(a.rewards));
      assert.deepEqual(Array.from(b.terminated), Array.from(a.terminated));
      assert.deepEqual(Array.from(b.truncated), Array.from(a.truncated));
      assert.deepEqual(b.episodes, a.episodes);
    }
    // Each worker accounts for the time it spent in its envs: some, and never more than has passed.
    const busy = pool.workerBusyMs(), elapsed = performance.now() - t0;
    assert.equal(busy.length, 2);
    for (const ms of busy) assert.ok(ms > 0 && ms < elapsed, `busy ${ms} ms of ${elapsed} ms`);
  } finally {
    await pool.close();
  }
});

test('interact: [T, N] rollouts with recurrent memory reset at episode ends, same in pool and batch', async () => {
  // A memory per env counting steps since its episode began; the policy pushes by the memory's parity.
  const agent: RolloutAgent<Float64Array> = {
    initialMemory: (n) => new Float64Array(n),
    act: (obs, n, mem) => {
      const next = mem.map((m) => m + 1);
      return { actions: Array.from({ length: n }, (_, i) => (obs[i * 4 + 2] > 0 ? 1 : 0) ^ (next[i] % 7 === 0 ? 1 : 0)), memory: next };
    },
    resetMemory: (mem, i) => { mem[i] = 0; },
  };
  const n = 4, T = 50;
  const batch = EnvBatch.make('CartPole-v1', n);
  batch.reset(7);
  const pool = await EnvPool.create({ id: 'CartPole-v1', seed: 7 }, { n, workers: 2 });
  try {
    await pool.reset();
    const ra = await batch.interact(agent, T);
    const rb = await pool.interact(agent, T);
    assert.equal(ra.obs.length, T * n * 4);
    assert.deepEqual(Array.from(rb.obs), Array.from(ra.obs));
    assert.deepEqual(Array.from(rb.actions), Array.from(ra.actions));
    assert.deepEqual(Array.from(rb.dones), Array.from(ra.dones));
    assert.deepEqual(Array.from(rb.memoryEnd), Array.from(ra.memoryEnd));
    // The memory counts steps since each env's last episode end.
    for (let i = 0; i < n; i++) {
      let since = 0;
      for (let t = 0; t < T; t++) since = ra.dones[t * n + i] ? 0 : since + 1;
      assert.equal(ra.memoryEnd[i], since);
    }
    // The next rollout carries the memory and starts from the last observations.
    const second = await batch.interact(agent, 5);
    assert.deepEqual(Array.from(second.obs.subarray(0, n * 4)), Array.from(ra.lastObs));
    assert.deepEqual(Array.from(second.memoryStart), Array.from(ra.memoryEnd));
  } finally {
    await pool.close();
  }
});

test('a worker whose env throws is reported with the env index and the pool shuts down', async () => {
  const specs = [0, 1, 2, 3].map((i) => ({ id: i === 2 ? 'Failing-v0' : 'CartPole-v1', options: i === 2 ? { failAt: 3 } : {}, module: FAILING, seed: i }));
  const pool = await EnvPool.create(specs, { workers: 2 });
  await pool.reset();
  await pool.step([0, 0, 0, 0]);
  await pool.step([0, 0, 0, 0]);
  await pool.step([0, 0, 0, 0]);
  await assert.rejects(pool.step([0, 0, 0, 0]), /env 2 \(Failing-v0\) threw during step: deliberate failure after 3 steps/);
  await assert.rejects(pool.step([0, 0, 0, 0]), /env 2/);
  await pool.close();
});

test('creating an env that fails in a worker is reported; unknown ids fail before any thread starts', async () => {
  await assert.rejects(EnvPool.create({ id: 'CartPole-v3' }, { n: 2 }), /unknown environment id 'CartPole-v3'/);
  // The probe env in the main thread loads the module too, so a bad option is caught with its message.
  await assert.rejects(EnvPool.create([{ id: 'CartPole-v1' }, { id: 'CartPole-v1', options: { bogus: 1 } }], { workers: 2 }), /unknown option 'bogus'/);
});

test('after a worker failure the process exits on its own (no orphaned threads)', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const script = `
    const { EnvPool } = require('./lib/envs');
    (async () => {
      const pool = await EnvPool.create([{ id: 'Failing-v0', options: { failAt: 1 }, module: '${FAILING}' }, { id: 'CartPole-v1' }], { workers: 2 });
      await pool.reset();
      await pool.step([0, 0]);
      try { await pool.step([0, 0]); } catch (e) { console.log('caught', e.message); }
    })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: require('node:path').resolve(__dirname, '..', '..'), encoding: 'utf8', timeout: 30000 });
  assert.equal(r.signal, null, 'the process had to be killed: threads kept it alive');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /caught EnvPool: env 0 \(Failing-v0\) threw during step: deliberate failure after 1 steps/);
});
