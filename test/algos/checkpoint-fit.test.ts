// A checkpoint restores only into the network it was saved from: arrays of another network (another
// hidden size, another game's observations), missing arrays or a relabelled environment are refused
// with the file, the array or setting and both values named, never loaded silently or half loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluate, makeEnv } from '../../lib/algos/algorithm';
import { createAlgorithm, loadAlgorithm } from '../../lib/algos/registry';
import { ready } from '../../lib/nn';
import { CheckpointMismatchError, loadCheckpoint, saveCheckpoint } from '../../lib/runs/checkpoint';
import { train } from '../../lib/algos/trainer';
import { Rng } from '../../lib/util/rng';
import { needShared } from '../helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-fit-'));
const KUNG_FU = 'Preprocessed42Crop/KungFuMasterDeterministic-v0';

/** Saves a one-update run of `name` with `config` into `dir`/checkpoint; returns that folder. */
async function savedRun(dir: string, name: string, config: Record<string, unknown>): Promise<string> {
  const algo = createAlgorithm(name, { envId: 'CartPole-v1', seed: 1, ...config });
  await algo.update();
  const ck = join(dir, 'checkpoint');
  saveCheckpoint(ck, algo.snapshot(), { updates: 1 });
  await algo.dispose();
  return ck;
}

/** Rewrites state.json as a checkpoint written before checksums and network shapes were recorded would be. */
function asLegacy(ck: string, edit: (state: { snapshot: { config: Record<string, unknown> } }) => void): void {
  const path = join(ck, 'state.json');
  const state = JSON.parse(readFileSync(path, 'utf8'));
  delete state.checksum;
  delete state.bytes;
  delete state.snapshot.network;
  edit(state);
  writeFileSync(path, JSON.stringify(state));
}

test('snapshots record their network and restore only into the same one, naming the difference', async () => {
  await ready();
  const dir = tmp();
  try {
    const ck = await savedRun(dir, 'a2c', { hidden: 16 });
    const snap = loadCheckpoint(ck).snapshot;
    assert.deepEqual(snap.network, { obsShape: [4], nActions: 2, hidden: 16, recurrentUnits: 0, params: snap.arrays.params.length });
    const wider = createAlgorithm('a2c', { envId: 'CartPole-v1', seed: 1, hidden: 64 });
    const before = Array.from(wider.snapshot().arrays.params);
    assert.throws(
      () => wider.restore(snap),
      (e: unknown) =>
        e instanceof CheckpointMismatchError && /its network has hidden units 16, this a2c network \(.*hidden 64/.test(String(e)),
    );
    assert.deepEqual(Array.from(wider.snapshot().arrays.params), before, 'a refused restore changes nothing');
    // Without the network record: the arrays themselves are checked, by name, length and dtype.
    const { network: _n, ...bare } = snap;
    assert.throws(() => wider.restore(bare), /array 'params' holds \d+ values, this a2c network \(.*\) needs \d+/);
    const { 'adam/step': _s, ...noStep } = snap.arrays;
    const same = createAlgorithm('a2c', { envId: 'CartPole-v1', seed: 1, hidden: 16 });
    assert.throws(() => same.restore({ ...snap, arrays: noStep }), /array 'adam\/step' is missing/);
    assert.throws(() => same.restore({ ...snap, arrays: { ...snap.arrays, extra: new Float32Array(1) } }), /an array 'extra'/);
    assert.throws(() => same.restore({ ...snap, algo: 'reinforce' }), /holds a 'reinforce' run, not 'a2c'/);
    assert.throws(() => same.restore({ ...snap, rngs: {} }), /no state of the random stream 'action'/);
    same.restore(snap);
    await Promise.all([wider.dispose(), same.dispose()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading a checkpoint whose arrays come from a hidden-16 run where its state says 32 is refused, naming the file', async () => {
  await ready();
  const dir = tmp();
  try {
    for (const name of ['reinforce', 'a3c-nstep', 'recurrent-a2c', 'ppo']) {
      const ck = await savedRun(join(dir, name), name, { hidden: 16, ...(name === 'recurrent-a2c' ? { units: 8 } : {}) });
      asLegacy(ck, (s) => {
        s.snapshot.config.hidden = 32;
      });
      assert.throws(
        () => loadAlgorithm(ck),
        new RegExp(
          `checkpoint ${ck.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not fit .*array 'params' holds \\d+ values, this ${name} network .* needs \\d+.*use the checkpoint folder as its run wrote it`,
        ),
        name,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a CartPole checkpoint relabelled Kung-Fu is refused; an agent played on another game is refused in words', async (t) => {
  await ready();
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const dir = tmp();
  try {
    const ck = await savedRun(dir, 'a3c-nstep', { hidden: 16, numEnvs: 2, nSteps: 3 });
    const copy = join(dir, 'relabelled');
    cpSync(ck, copy, { recursive: true });
    // With the network record (an edited state.json whose checksum was removed too).
    const path = join(copy, 'state.json');
    const state = JSON.parse(readFileSync(path, 'utf8'));
    delete state.checksum;
    state.snapshot.config.envId = KUNG_FU;
    writeFileSync(path, JSON.stringify(state));
    assert.throws(
      () => loadAlgorithm(copy),
      /does not fit .*its network has observation shape \[4\], this a3c-nstep network \(observations \[42, 42, 4\], 14 actions/,
    );
    // Without it: the arrays' lengths.
    asLegacy(copy, () => {});
    assert.throws(() => loadAlgorithm(copy), /does not fit .*array 'params' holds \d+ values/);
    // The CartPole agent played on Kung-Fu's screens.
    const { algo } = loadAlgorithm(ck);
    const env = makeEnv(KUNG_FU);
    try {
      assert.throws(
        () => evaluate(env, algo.evalAgent(new Rng(1)), 1, 0),
        /reads observations of shape \[4\] \(4 numbers\), got 7056: play it on the environment it was trained on/,
      );
    } finally {
      env.close();
      await algo.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped Kung-Fu checkpoint is sealed (network, byte length, checksums) and still loads and restores', async (t) => {
  const shipped = resolve(__dirname, '..', '..', 'checkpoints', 'kung_fu_master_a3c');
  const state = JSON.parse(readFileSync(join(shipped, 'state.json'), 'utf8'));
  assert.equal(state.bytes, 1047348);
  assert.match(state.checksum?.arrays ?? '', /^[0-9a-f]{8}$/);
  assert.deepEqual(state.snapshot.network, { obsShape: [42, 42, 4], nActions: 14, hidden: 128, recurrentUnits: 0, params: 87279 });
  const dir = tmp();
  try {
    const copy = join(dir, 'checkpoint');
    cpSync(shipped, copy, { recursive: true });
    writeFileSync(join(copy, 'arrays.bin'), Buffer.concat([readFileSync(join(shipped, 'arrays.bin')), Buffer.alloc(4)]));
    assert.throws(() => loadCheckpoint(copy), /arrays\.bin has 1047352 bytes, but was written with 1047348/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await ready();
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const { algo } = loadAlgorithm(shipped, { workerThreads: false });
  try {
    assert.equal(algo.snapshot().network?.hidden, 128);
  } finally {
    await algo.dispose();
  }
});

test('a state.json damaged in its structure is refused in words, not with a TypeError (checkpoints without checksums too)', async () => {
  await ready();
  const dir = tmp();
  try {
    const run = join(dir, 'run');
    const algo = createAlgorithm('reinforce', { seed: 1, hidden: 8 });
    await train(algo, { steps: 30, out: run, progress: 'none' });
    algo.dispose();
    const ck = join(run, 'checkpoint');
    const good = readFileSync(join(ck, 'state.json'), 'utf8');
    type State = {
      arrays: Record<string, unknown>[];
      snapshot: { config?: unknown; rngs: Record<string, unknown> };
      trainer?: unknown;
    };
    const cases: [string, (s: State) => void, RegExp][] = [
      ['int8', (s) => (s.arrays[0].dtype = 'int8'), /array 'params' has dtype "int8" \(float32 or float64 expected\)/],
      ['offset', (s) => (s.arrays[1].offset = 'x'), /array 'adam\/m' has offset "x" and length \d+ \(whole numbers expected\)/],
      ['negative', (s) => (s.arrays[0].length = -1), /array 'params' has offset 0 and length -1 \(whole numbers expected\)/],
      ['twice', (s) => (s.arrays[1].name = 'params'), /array 'params' is indexed twice/],
      ['trainer', (s) => delete s.trainer, /the trainer state is missing/],
      ['config', (s) => delete s.snapshot.config, /snapshot\.config is missing/],
      ['rng', (s) => (s.snapshot.rngs.action = [1, 2]), /the state of random stream 'action' is not 4 integers/],
    ];
    for (const [name, edit, why] of cases) {
      const state = JSON.parse(good);
      delete state.checksum;
      edit(state);
      writeFileSync(join(ck, 'state.json'), JSON.stringify(state));
      assert.throws(() => loadCheckpoint(ck), new RegExp(`state\\.json is damaged: ${why.source}; use another checkpoint`), name);
    }
    const state = JSON.parse(good);
    delete state.checksum;
    delete state.trainer.evalRng;
    writeFileSync(join(ck, 'state.json'), JSON.stringify(state));
    const again = createAlgorithm('reinforce', { seed: 1, hidden: 8 });
    await assert.rejects(
      train(again, { steps: 60, out: run, resume: true, progress: 'none' }),
      /resume: .*checkpoint has an incomplete trainer state \('evalRng' is undefined\)/,
    );
    again.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated arrays.bin names the first array cut off and what to do', () => {
  const dir = tmp();
  try {
    const ck = join(dir, 'checkpoint');
    const arrays = { params: new Float32Array(4), 'adam/m': new Float32Array(4), 'adam/v': new Float32Array(4) };
    saveCheckpoint(ck, { algo: 'reinforce', config: {}, counters: { updates: 1 }, rngs: {}, arrays });
    writeFileSync(join(ck, 'arrays.bin'), readFileSync(join(ck, 'arrays.bin')).subarray(0, 40));
    assert.throws(
      () => loadCheckpoint(ck),
      /arrays\.bin is truncated: 40 bytes, state\.json indexes 48 \(array 'adam\/v' is indexed at bytes 32-48\); the checkpoint cannot be used: resume from a copy/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
