import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared } from '../helpers';
import { AsyncVectorEnv, AtariEnv, make, makeFromSpec, PreprocessAtari, registeredIds, SyncVectorEnv } from '../../lib/envs';
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

test('AtariEnv plays an id as Gymnasium does: minimal action set, observation types, frame skip, one frame-skip stream per seed', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = new AtariEnv('KungFuMasterDeterministic-v4', { seed: 1 });
  assert.equal(env.actionSpace.n, 14);
  assert.deepEqual(env.observationSpace.shape, [210, 160, 3]);
  const { obs, info } = env.reset();
  assert.equal(obs.length, 210 * 160 * 3);
  assert.equal(info.lives, 4);
  const r = env.step(2);
  assert.equal(r.info.frameNumber, 4);
  assert.equal(r.terminated, false);
  assert.equal(r.truncated, false);
  assert.throws(() => env.step(14), /invalid action 14/);
  const ram = new AtariEnv('PongNoFrameskip-v4', { obsType: 'ram' });
  assert.deepEqual(ram.observationSpace.shape, [128]);
  assert.equal(ram.reset().obs.length, 128);
  // frameskip [2, 5): the frames of each step are drawn from the env's own stream, restarted by a seeded reset.
  const grey = new AtariEnv('Pong-v4', { obsType: 'grayscale', seed: 5 });
  const frames = () => {
    let last = grey.reset({ seed: 5 }).info.frameNumber as number;
    return Array.from({ length: 12 }, () => {
      const s = grey.step(1);
      assert.equal(s.obs.length, 210 * 160);
      const f = s.info.frameNumber as number,
        d = f - last;
      last = f;
      return d;
    });
  };
  const first = frames();
  for (const d of first) assert.ok(d >= 2 && d <= 4, `a step of ${d} frames`);
  assert.ok(new Set(first).size > 1, 'the frame count varies');
  assert.deepEqual(frames(), first, 'a seeded reset restarts the frame-skip stream');
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
  const ref = JSON.parse(readFileSync(refFile, 'utf8')) as {
    cases: Array<{ screen: string; crop: string; gray_bgr_weights_u8: number[] }>;
  };
  for (const crop of ['none', 'practical_rl'] as const) {
    const c = ref.cases.find((x) => x.screen === 'kung_fu_master_seed1_6000.rgb.0.bin' && x.crop === crop)!;
    const env = new PreprocessAtari(make('KungFuMasterNoFrameskip-v4', { seed: 0, repeatActionProbability: 0 }), {
      crop,
      grayscale: 'notebook-bgr',
      channelOrder: 'channels-last',
    });
    const o = env.reset().obs;
    for (let p = 0; p < 1764; p++) assert.equal(o[p * 4 + 3], Math.fround(c.gray_bgr_weights_u8[p] / 255), `${crop} pixel ${p}`);
  }
});

test('Kung-Fu Master: AsyncVectorEnv and SyncVectorEnv produce identical preprocessed trajectories', async (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const spec = { id: 'PreprocessedKungFu-v0', module: 'test/envs/fixtures/preprocessed-kung-fu.ts' };
  require('./fixtures/preprocessed-kung-fu');
  const n = 3;
  const batch = new SyncVectorEnv(Array.from({ length: n }, () => makeFromSpec(spec)));
  const pool = await AsyncVectorEnv.create(spec, { n, workers: 2 });
  try {
    assert.deepEqual(Array.from(await pool.reset(5)), Array.from(batch.reset(5)));
    const rng = new Rng(9);
    for (let s = 0; s < 25; s++) {
      const actions = Array.from({ length: n }, () => rng.int(14));
      const a = batch.step(actions),
        b = await pool.step(actions);
      assert.deepEqual(Array.from(b.obs), Array.from(a.obs), `step ${s}`);
      assert.deepEqual(Array.from(b.rewards), Array.from(a.rewards));
    }
  } finally {
    await pool.close();
  }
});

test('an Atari env refuses to step before reset() and to step or reset after close(), as Gymnasium does', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = make<Uint8Array>('KungFuMasterDeterministic-v0');
  assert.throws(() => env.step(0), /KungFuMasterDeterministic-v0\.step: call reset\(\) before step\(\)/);
  env.reset({ seed: 1 });
  env.step(0);
  env.close();
  assert.throws(() => env.step(0), /the environment is closed; make a new one/);
  assert.throws(() => env.reset(), /the environment is closed; make a new one/);
});
