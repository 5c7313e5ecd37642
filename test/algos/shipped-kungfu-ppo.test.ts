// The shipped Kung-Fu Master PPO agent (checkpoints/kung_fu_master_ppo/, bench/RESULTS.md "Kung-Fu Master
// with PPO"): sealed, restorable into the network it was trained with, and playing far above chance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate, makeEnv } from '../../lib/algos/algorithm';
import { loadAlgorithm } from '../../lib/algos/registry';
import { ready } from '../../lib/nn';
import { Rng } from '../../lib/util/rng';
import { needShared } from '../helpers';

const SHIPPED = resolve(__dirname, '..', '..', 'checkpoints', 'kung_fu_master_ppo');

test('the shipped Kung-Fu Master PPO checkpoint is a sealed agent of the lesson network on the crop', () => {
  const state = JSON.parse(readFileSync(join(SHIPPED, 'state.json'), 'utf8'));
  assert.equal(state.snapshot.algo, 'ppo');
  assert.equal(state.snapshot.config.envId, 'Preprocessed42Crop/KungFuMasterDeterministic-v0');
  assert.equal(state.snapshot.config.trunk, 'lesson');
  assert.match(state.checksum?.arrays ?? '', /^[0-9a-f]{8}$/);
  assert.deepEqual(state.snapshot.network.obsShape, [42, 42, 4]);
  assert.equal(state.snapshot.network.hidden, 256);
});

test('the shipped Kung-Fu Master PPO agent scores far above a random player in three games', async (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  await ready();
  const { algo } = loadAlgorithm(SHIPPED);
  const env = makeEnv(String(algo.config.envId));
  try {
    // Seeds used nowhere else. The agent scored 22,800, 22,600 and 21,600 on them when shipped; an untrained
    // network of the same shape scores 200, 500 and 600.
    const ev = evaluate(env, algo.evalAgent(new Rng(778_000)), 3, 778_000);
    assert.ok(ev.mean >= 8_000, `mean ${ev.mean} over 3 games (${ev.returns.join(', ')})`);
  } finally {
    env.close();
    await algo.dispose();
  }
});
