import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared } from '../helpers';
import { AtariEnv, EnvBatch, EnvPool, make, PreprocessAtari, registeredIds } from '../../lib/envs';
import { Rng } from '../../lib/util/rng';

const GAMES = ['KungFuMaster', 'Kangaroo', 'Breakout', 'Pong'];

test('every Atari id of the brief is registered and builds an Env', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const ids = registeredIds();
  for (const g of GAMES) for (const id of [`${g}Deterministic-v0`, `${g}NoFrameskip-v4`, `ALE/${g}-v5`]) assert.ok(ids.includes(id), id);
  for (const g of GAMES) {
    const env = make<Uint8Array>(`ALE/${g}-v5`, { seed: 1 });
    assert.deepEqual(env.observationSpace.shape, [210, 160, 3]);
    const { obs } = env.reset();
    assert.equal(obs.length, 210 * 160 * 3);
    const r = env.step(env.actionSpace.sample());
    assert.equal(typeof r.reward, 'number');
    assert.equal(typeof r.info.lives, 'number');
  }
  const kfm = make('KungFuMasterDeterministic-v0', { seed: 0 }) as AtariEnv;
  assert.equal(kfm.actionSpace.n, 14);
  assert.deepEqual(kfm.getActionMeanings().slice(0, 4), ['NOOP', 'UP', 'RIGHT', 'LEFT']);
  kfm.reset();
  assert.throws(() => kfm.step(14), /invalid action 14.*Discrete\(14\)/);
  assert.throws(() => make('KungFuMaster-v9'), /Did you mean 'KungFuMaster-v\d'/);
  assert.throws(() => make('ALE/Pong-v5', { colour: true }), /unknown option 'colour'/);
});

test('the reset screen through PreprocessAtari equals OpenCV on the ALE dump', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const refFile = needShared(t, 'reference', 'preprocess', 'preprocess_reference.json');
  const screenFile = needShared(t, 'reference', 'ale', 'kung_fu_master_seed1_6000.rgb.0.bin');
  if (!refFile || !screenFile) return;
  // The trace settings: seed 0, no sticky actions, one frame per step.
  const raw = make<Uint8Array>('KungFuMasterNoFrameskip-v4', { seed: 0, repeatActionProbability: 0 });
  const { obs } = raw.reset();
  assert.deepEqual(obs, new Uint8Array(readFileSync(screenFile)), 'the emulator reproduces the ALE reset screen');
  const ref = JSON.parse(readFileSync(refFile, 'utf8')) as { cases: Array<{ screen: string; crop: string; gray_bgr_weights_u8: number[] }> };
  for (const crop of ['none', 'practical_rl'] as const) {
    const c = ref.cases.find((x) => x.screen === 'kung_fu_master_seed1_6000.rgb.0.bin' && x.crop === crop)!;
    const env = new PreprocessAtari(make('KungFuMasterNoFrameskip-v4', { seed: 0, repeatActionProbability: 0 }), { crop, grayscale: 'notebook-bgr', channelOrder: 'channels-last' });
    const o = env.reset().obs;
    for (let p = 0; p < 1764; p++) assert.equal(o[p * 4 + 3], Math.fround(c.gray_bgr_weights_u8[p] / 255), `${crop} pixel ${p}`);
  }
});

test('Kung-Fu Master: EnvPool and EnvBatch produce identical preprocessed trajectories', async (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const spec = { id: 'PreprocessedKungFu-v0', module: 'test/envs/fixtures/preprocessed-kung-fu.ts' };
  require('./fixtures/preprocessed-kung-fu');
  const n = 3;
  const batch = EnvBatch.make(spec, n);
  const pool = await EnvPool.create(spec, { n, workers: 2 });
  try {
    assert.deepEqual(Array.from(await pool.reset(5)), Array.from(batch.reset(5)));
    const rng = new Rng(9);
    for (let s = 0; s < 25; s++) {
      const actions = Array.from({ length: n }, () => rng.int(14));
      const a = batch.step(actions), b = await pool.step(actions);
      assert.deepEqual(Array.from(b.obs), Array.from(a.obs), `step ${s}`);
      assert.deepEqual(Array.from(b.rewards), Array.from(a.rewards));
    }
  } finally {
    await pool.close();
  }
});
