// The shipped Kangaroo agent (checkpoints/kangaroo_ppo/, bench/RESULTS.md "PPO on Kangaroo"): sealed,
// restorable into the network it was trained with, and playing far above chance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate, makeEnv } from '../../lib/algos/algorithm';
import { loadAlgorithm } from '../../lib/algos/registry';
import { ready } from '../../lib/nn';
import { Rng } from '../../lib/util/rng';
import { needShared } from '../helpers';

const SHIPPED = resolve(__dirname, '..', '..', 'checkpoints', 'kangaroo_ppo');

test('the shipped Kangaroo checkpoint is a sealed PPO agent of the 84x84 network', () => {
  const state = JSON.parse(readFileSync(join(SHIPPED, 'state.json'), 'utf8'));
  assert.equal(state.snapshot.algo, 'ppo');
  assert.equal(state.snapshot.config.envId, 'Preprocessed84/KangarooDeterministic-v0');
  assert.match(state.checksum?.arrays ?? '', /^[0-9a-f]{8}$/);
  assert.deepEqual(state.snapshot.network.obsShape, [84, 84, 4]);
  assert.equal(state.snapshot.network.nActions, 18);
});

test('the shipped Kangaroo agent scores far above a random player (~40 a game) in five games', async (t) => {
  if (!needShared(t, 'roms', 'kangaroo.bin')) return;
  await ready();
  const { algo } = loadAlgorithm(SHIPPED);
  const env = makeEnv(String(algo.config.envId));
  try {
    // Seeds used nowhere else. The agent scored 600 on them when shipped; an untrained network (a uniform
    // policy) scores 80 on the same five games.
    const ev = evaluate(env, algo.evalAgent(new Rng(777_000)), 5, 777_000);
    assert.ok(ev.mean >= 300, `mean ${ev.mean} over 5 games (${ev.returns.join(', ')})`);
  } finally {
    env.close();
    await algo.dispose();
  }
});
