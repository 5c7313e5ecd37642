import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nn from '../../lib/nn';
import { loadCheckpoint, saveCheckpoint, CHECKPOINT_FORMAT } from '../../lib/runs/checkpoint';
import type { Snapshot } from '../../lib/algos/algorithm';
import { a3cTask } from './tasks';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-nn-ckpt-'));
}

/** A snapshot as an algorithm writes it, around an optimiser's arrays. */
function snapshotOf(opt: nn.Optimizer, updates: number): Snapshot {
  return { algo: 'test', config: { lr: 1e-3 }, counters: { updates }, rngs: {}, arrays: opt.snapshotArrays() };
}

test('the checkpoint format restores weights and Adam state exactly, so training resumes identically', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const a = a3cTask(2, 5);
  const optA = new nn.Optimizer(a.model, { kind: 'adam', lr: 1e-3 });
  for (let i = 0; i < 3; i++) optA.minimize(a.loss);
  saveCheckpoint(dir, snapshotOf(optA, 3), { frames: 1234, note: 'x' });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['arrays.bin', 'state.json']);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')).format, CHECKPOINT_FORMAT);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt'], 'no temporary folders left behind');

  const ck = loadCheckpoint(dir);
  assert.deepEqual(ck.trainer, { frames: 1234, note: 'x' });
  assert.deepEqual(ck.snapshot.counters, { updates: 3 });
  assert.deepEqual(Object.keys(ck.snapshot.arrays).sort(), ['adam/m', 'adam/step', 'adam/v', 'params']);
  assert.ok(ck.snapshot.arrays['adam/step'] instanceof Float64Array);
  const b = a3cTask(2, 6); // different initial weights, same data shape
  const optB = new nn.Optimizer(b.model, { kind: 'adam', lr: 1e-3 });
  optB.restoreArrays(ck.snapshot.arrays);
  assert.equal(optB.steps, 3);
  assert.deepEqual(b.model.params.getFlat(), a.model.params.getFlat());
  // Resuming: a fresh model on a's data, loaded from the checkpoint, takes the same 4th step as a.
  optA.minimize(a.loss);
  const c = a3cTask(2, 5);
  const optC = new nn.Optimizer(c.model, { kind: 'adam', lr: 1e-3 });
  optC.restoreArrays(loadCheckpoint(dir).snapshot.arrays);
  optC.minimize(c.loss);
  assert.deepEqual(c.model.params.getFlat(), a.model.params.getFlat());
  for (const t of [a, b, c]) t.dispose();
});

test('a truncated, unreadable or mismatched checkpoint is refused with a clear error and nothing changes', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const net = nn.a3cNet({ nActions: 3, seed: 1 });
  saveCheckpoint(dir, snapshotOf(new nn.Optimizer(net, { kind: 'adam', lr: 1e-3 }), 0));
  const good = fs.readFileSync(path.join(dir, 'arrays.bin'));

  const other = nn.a3cNet({ nActions: 3, seed: 2 });
  const before = other.params.getFlat();
  fs.writeFileSync(path.join(dir, 'arrays.bin'), good.subarray(0, good.length - 100));
  assert.throws(() => loadCheckpoint(dir), /arrays\.bin is truncated: \d+ bytes, state\.json indexes \d+/);

  fs.writeFileSync(path.join(dir, 'arrays.bin'), good);
  const wrong = nn.a3cNet({ nActions: 5, seed: 1 });
  const optWrong = new nn.Optimizer(wrong, { kind: 'adam', lr: 1e-3 });
  const wrongBefore = wrong.params.getFlat();
  assert.throws(() => optWrong.restoreArrays(loadCheckpoint(dir).snapshot.arrays), /'params' has \d+ values, expected \d+/);
  assert.deepEqual(wrong.params.getFlat(), wrongBefore, 'model unchanged after a refused restore');
  assert.equal(optWrong.steps, 0);
  const json = fs.readFileSync(path.join(dir, 'state.json'));
  fs.writeFileSync(path.join(dir, 'state.json'), '{ "format": ');
  assert.throws(() => loadCheckpoint(dir), /state\.json is not valid JSON/);
  fs.writeFileSync(path.join(dir, 'state.json'), json);
  fs.rmSync(path.join(dir, 'arrays.bin'));
  assert.throws(() => loadCheckpoint(dir), /arrays\.bin is missing/);
  assert.deepEqual(other.params.getFlat(), before);
  for (const m of [net, other, wrong]) m.dispose();
});

test('a failed save leaves the previous checkpoint intact; an interrupted swap is still readable', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const net = nn.cartPolePolicy({ seed: 1 });
  saveCheckpoint(dir, snapshotOf(new nn.Optimizer(net, { kind: 'adam', lr: 1e-3 }), 1), { version: 'good' });
  const changed = nn.cartPolePolicy({ seed: 2 });
  // BigInt cannot be written as JSON: the save fails, and nothing of it stays on disk.
  const bad = snapshotOf(new nn.Optimizer(changed, { kind: 'adam', lr: 1e-3 }), 2);
  assert.throws(() => saveCheckpoint(dir, bad, { bad: BigInt(1) }), /not JSON-serialisable/);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt'], 'no temporary folder left behind');
  const probe = nn.cartPolePolicy({ seed: 3 });
  const ck = loadCheckpoint(dir);
  assert.deepEqual(ck.trainer, { version: 'good' });
  new nn.Optimizer(probe, { kind: 'adam', lr: 1e-3 }).restoreArrays(ck.snapshot.arrays);
  assert.deepEqual(probe.params.getFlat(), net.params.getFlat());
  // A save that moved the old checkpoint aside and stopped before renaming the new one into place.
  fs.renameSync(dir, `${dir}.old-12345`);
  assert.deepEqual(loadCheckpoint(dir).trainer, { version: 'good' });
  for (const m of [net, changed, probe]) m.dispose();
});

test('the shipped Kung-Fu Master checkpoint loads, and its weights fit the A3C network', async () => {
  await nn.ready();
  const ck = loadCheckpoint(path.resolve(__dirname, '../../checkpoints/kung_fu_master_a3c'));
  assert.equal(ck.snapshot.algo, 'a3c');
  const net = nn.a3cNet({ nActions: 14, seed: 0 });
  assert.equal(ck.snapshot.arrays.params.length, net.params.size);
  net.params.setFlat(ck.snapshot.arrays.params as Float32Array);
  assert.ok(net.params.getFlat().some((x) => x !== 0));
  net.dispose();
});
