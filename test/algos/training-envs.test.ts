import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needShared } from '../helpers';
import {
  EpisodicLife,
  make,
  makeFromSpec,
  makeTrainingEnv,
  PreprocessAtari,
  SyncVectorEnv,
  trainingEnvId,
  trainingEnvSpec,
  type Env,
} from '../../lib/envs';
import { SyncA3C } from '../../lib/algos/a3c';

test('training env ids: Atari ids get the whole-screen family, prefixed ids are kept, typos list the valid ids', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  assert.equal(trainingEnvId('KungFuMasterDeterministic-v0'), 'Preprocessed42/KungFuMasterDeterministic-v0');
  assert.equal(trainingEnvId('Preprocessed42Crop/KungFuMasterDeterministic-v0'), 'Preprocessed42Crop/KungFuMasterDeterministic-v0');
  assert.equal(trainingEnvId('CartPole-v1'), 'CartPole-v1');
  assert.deepEqual(trainingEnvSpec('Preprocessed42Crop/KangarooDeterministic-v0', 3), {
    id: 'Preprocessed42Crop/KangarooDeterministic-v0',
    seed: 3,
  });
  assert.throws(
    () => trainingEnvId('Preprocessed42Crop/KungFuMasterDeterministc-v0'),
    /Did you mean 'Preprocessed42Crop\/KungFuMasterDeterministic-v0'/,
  );
});

test('the cropped family observes exactly what PreprocessAtari with the Practical_RL crop does', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const ours = makeTrainingEnv('Preprocessed42Crop/KungFuMasterDeterministic-v0');
  const whole = makeTrainingEnv('KungFuMasterDeterministic-v0');
  const ref = new PreprocessAtari(make('KungFuMasterDeterministic-v0') as Env<Uint8Array, number>, {
    crop: 'practical_rl',
    channelOrder: 'channels-last',
  });
  assert.deepEqual(ours.observationSpace.shape, [42, 42, 4]);
  let a = ours.reset({ seed: 4 }).obs,
    b = ref.reset({ seed: 4 }).obs;
  let c = whole.reset({ seed: 4 }).obs;
  let differ = 0;
  for (let s = 0; s < 60; s++) {
    assert.deepEqual(a, b, `step ${s}`);
    for (let i = 0; i < c.length; i++) if (c[i] !== a[i]) differ++;
    const act = (s * 7) % 14;
    a = ours.step(act).obs;
    b = ref.step(act).obs;
    c = whole.step(act).obs;
  }
  assert.ok(differ > 1000, 'the crop changes what the agent sees');
});

test('the 84x84 family observes exactly what PreprocessAtari at 84x84 does, and takes episodicLife', (t) => {
  if (!needShared(t, 'roms', 'kangaroo.bin')) return;
  const ours = makeTrainingEnv('Preprocessed84/KangarooDeterministic-v0');
  const ref = new PreprocessAtari(make('KangarooDeterministic-v0') as Env<Uint8Array, number>, {
    crop: 'none',
    channelOrder: 'channels-last',
    height: 84,
    width: 84,
  });
  assert.deepEqual(ours.observationSpace.shape, [84, 84, 4]);
  let a = ours.reset({ seed: 2 }).obs,
    b = ref.reset({ seed: 2 }).obs;
  for (let s = 0; s < 40; s++) {
    assert.deepEqual(a, b, `step ${s}`);
    a = ours.step((s * 5) % 18).obs;
    b = ref.step((s * 5) % 18).obs;
  }
  assert.ok(makeTrainingEnv('Preprocessed84/KangarooDeterministic-v0', { episodicLife: true }) instanceof EpisodicLife);
});

test('episodicLife reaches the env through specs (AsyncVectorEnv workers) and is refused for games without lives', async (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const spec = trainingEnvSpec('Preprocessed42Crop/KungFuMasterDeterministic-v0', undefined, { episodicLife: true });
  assert.deepEqual(spec.options, { episodicLife: true });
  assert.ok(makeFromSpec(spec) instanceof EpisodicLife);
  assert.ok(!(makeTrainingEnv('KungFuMasterDeterministic-v0') instanceof EpisodicLife), 'off by default');
  assert.throws(() => makeTrainingEnv('CartPole-v1', { episodicLife: true }), /episodicLife needs an Atari game.*CartPole-v1 has no lives/);
  const algo = new SyncA3C({ envId: 'KungFuMasterDeterministic-v0', numEnvs: 2, nSteps: 5, envWorkers: 1, episodicLife: true, seed: 1 });
  try {
    const r = await algo.update();
    assert.equal(r.envSteps, 10);
  } finally {
    await algo.dispose();
  }
});

test('SyncVectorEnv steps Atari envs through stepInto: same rollouts as through step(), across lost lives and game overs', async (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const make2 = () => [0, 1].map(() => makeTrainingEnv('Preprocessed42Crop/KungFuMasterDeterministic-v0', { episodicLife: true }));
  // The same envs with only Gymnasium's reset/step visible: the vector env must fall back to the allocating path.
  const stepOnly = (e: Env<Float32Array, number>): Env<Float32Array, number> => ({
    observationSpace: e.observationSpace,
    actionSpace: e.actionSpace,
    reset: (args) => e.reset(args),
    step: (a) => e.step(a),
    render: () => e.render(),
    close: () => e.close(),
  });
  const fast = new SyncVectorEnv(make2());
  const slow = new SyncVectorEnv(make2().map(stepOnly));
  fast.reset(3);
  slow.reset(3);
  try {
    // Fire only, standing still: Kung-Fu Master loses its lives quickly, so lost lives and a game over fall in here.
    const policy = () => [1, 1];
    let lifeEnds = 0;
    for (let k = 0; k < 6; k++) {
      const a = await fast.rollout(200, policy),
        b = await slow.rollout(200, policy);
      assert.deepEqual(a.rewards, b.rewards, `rollout ${k}: rewards`);
      assert.deepEqual(a.dones, b.dones, `rollout ${k}: dones`);
      assert.ok(a.obs.every((x, i) => x === b.obs[i]) && a.lastObs.every((x, i) => x === b.lastObs[i]), `rollout ${k}: observations`);
      lifeEnds += a.dones.reduce((s, d) => s + d, 0);
    }
    const games = fast.takeFinished();
    assert.deepEqual(games, slow.takeFinished());
    assert.ok(
      lifeEnds > games.returns.length && games.returns.length >= 1,
      `expected lost lives and a finished game, got ${lifeEnds} ends, ${games.returns.length} games`,
    );
  } finally {
    fast.close();
    slow.close();
  }
});
