import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atariEnvConfig, atariEnvIds, makeAtariStepper } from '../../lib/atari/gym';
import { needShared } from '../helpers';

test('ids and their settings', () => {
  const ids = atariEnvIds();
  for (const g of ['KungFuMaster', 'Kangaroo', 'Breakout', 'Pong']) {
    for (const id of [`${g}-v0`, `${g}-v4`, `${g}NoFrameskip-v0`, `${g}NoFrameskip-v4`, `${g}Deterministic-v0`, `${g}Deterministic-v4`, `ALE/${g}-v5`]) {
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

test('stepper: minimal action space, observations, reward, terminated/truncated', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = makeAtariStepper('KungFuMasterDeterministic-v4', { seed: 1 });
  assert.equal(env.numActions, 14);
  assert.deepEqual(env.observationShape, [210, 160, 3]);
  const { obs, info } = env.reset();
  assert.equal(obs.length, 210 * 160 * 3);
  assert.equal(info.lives, 4);
  const r = env.step(2);
  assert.equal(r.info.frameNumber, 4);
  assert.equal(r.terminated, false);
  assert.equal(r.truncated, false);
  assert.throws(() => env.step(14), /outside the action space.*0..13/);
  const ram = makeAtariStepper('PongNoFrameskip-v4', { obsType: 'ram' });
  assert.equal(ram.reset().obs.length, 128);
  const grey = makeAtariStepper('Pong-v4', { obsType: 'grayscale', seed: 5 });
  grey.reset();
  const s = grey.step(1);
  assert.equal(s.obs.length, 210 * 160);
  assert.ok(s.info.frameNumber >= 2 && s.info.frameNumber <= 4);
});
