import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atariEnvConfig, atariEnvIds } from '../../lib/atari/gym';

// The env that plays these ids is lib/envs' AtariEnv (test/envs/atari.test.ts).
test('ids and their settings', () => {
  const ids = atariEnvIds();
  for (const g of ['KungFuMaster', 'Kangaroo', 'Breakout', 'Pong']) {
    for (const id of [
      `${g}-v0`,
      `${g}-v4`,
      `${g}NoFrameskip-v0`,
      `${g}NoFrameskip-v4`,
      `${g}Deterministic-v0`,
      `${g}Deterministic-v4`,
      `ALE/${g}-v5`,
    ]) {
      assert.ok(ids.includes(id), id);
    }
  }
  const d0 = atariEnvConfig('KungFuMasterDeterministic-v0');
  assert.equal(d0.frameskip, 4);
  assert.equal(d0.repeatActionProbability, 0.25);
  assert.equal(d0.maxNumFramesPerEpisode, 108000);
  assert.equal(atariEnvConfig('KungFuMasterDeterministic-v4').repeatActionProbability, 0);
  assert.deepEqual(atariEnvConfig('Pong-v0').frameskip, [2, 5]);
  assert.equal(atariEnvConfig('PongNoFrameskip-v4').frameskip, 1);
  assert.equal(atariEnvConfig('ALE/Breakout-v5').frameskip, 4);
  assert.equal(atariEnvConfig('ALE/Breakout-v5', { obsType: 'ram' }).obsType, 'ram');
  assert.throws(() => atariEnvConfig('KungFuMasterNoFrameskip-v5'), /Unknown Atari environment id.*Did you mean/);
  assert.throws(() => atariEnvConfig('Pong-v0', { obsType: 'rgba' as never }), /obsType must be/);
});
