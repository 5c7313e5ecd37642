import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nn from '../../lib/nn';
import { a3cTask } from './tasks';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-nn-ckpt-'));
}

test('a checkpoint restores weights and Adam state exactly, so training resumes identically', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const a = a3cTask(2, 5);
  const optA = new nn.Adam(a.model.params, { learningRate: 1e-3 });
  for (let i = 0; i < 3; i++) optA.minimize(a.loss);
  nn.saveCheckpoint(dir, a.model.params, { optimizer: optA, metadata: { frames: 1234, note: 'x' } });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['meta.json', 'optimizer.bin', 'weights.bin']);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt'], 'no temporary folders left behind');

  const b = a3cTask(2, 6); // different initial weights, same data shape
  const optB = new nn.Adam(b.model.params);
  const info = nn.loadCheckpoint(dir, b.model.params, { optimizer: optB });
  assert.deepEqual(info.metadata, { frames: 1234, note: 'x' });
  assert.equal(info.optimizerStep, 3);
  assert.deepEqual(b.model.params.getFlat(), a.model.params.getFlat());
  // Resuming: a fresh model on a's data, loaded from the checkpoint, takes the same 4th step as a.
  optA.minimize(a.loss);
  const c = a3cTask(2, 5);
  const optC = new nn.Adam(c.model.params);
  nn.loadCheckpoint(dir, c.model.params, { optimizer: optC });
  optC.minimize(c.loss);
  assert.deepEqual(c.model.params.getFlat(), a.model.params.getFlat());
  for (const t of [a, b, c]) t.dispose();
});

test('a truncated or mismatched checkpoint is refused with a clear error and nothing changes', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const net = nn.a3cNet({ nActions: 3, seed: 1 });
  nn.saveCheckpoint(dir, net.params, { metadata: { n: 1 } });
  const good = fs.readFileSync(path.join(dir, 'weights.bin'));

  const other = nn.a3cNet({ nActions: 3, seed: 2 });
  const before = other.params.getFlat();
  fs.writeFileSync(path.join(dir, 'weights.bin'), good.subarray(0, good.length - 100));
  assert.throws(() => nn.loadCheckpoint(dir, other.params), /weights\.bin is truncated or corrupted: \d+ bytes, meta\.json says \d+/);
  assert.deepEqual(other.params.getFlat(), before, 'model unchanged after a failed load');

  const flipped = Buffer.from(good);
  flipped[10] ^= 0xff;
  fs.writeFileSync(path.join(dir, 'weights.bin'), flipped);
  assert.throws(() => nn.loadCheckpoint(dir, other.params), /weights\.bin is corrupted: its SHA-256/);

  fs.writeFileSync(path.join(dir, 'weights.bin'), good);
  const wrong = nn.a3cNet({ nActions: 5, seed: 1 });
  assert.throws(() => nn.loadCheckpoint(dir, wrong.params), /does not match the model: .*policy\/w\[128x3\].*policy\/w\[128x5\]/);
  assert.throws(() => nn.loadCheckpoint(dir, other.params, { optimizer: new nn.Adam(other.params) }), /has no optimizer state/);
  fs.writeFileSync(path.join(dir, 'meta.json'), '{ "format": ');
  assert.throws(() => nn.loadCheckpoint(dir, other.params), /meta\.json is not valid JSON/);
  for (const m of [net, other, wrong]) m.dispose();
});

test('a failed save leaves the previous checkpoint intact', async () => {
  await nn.ready();
  const dir = path.join(tempDir(), 'ckpt');
  const net = nn.cartPolePolicy({ seed: 1 });
  nn.saveCheckpoint(dir, net.params, { metadata: { version: 'good' } });
  const changed = nn.cartPolePolicy({ seed: 2 });
  // BigInt cannot be written as JSON: the save fails after the weights were written to the temp folder.
  assert.throws(() => nn.saveCheckpoint(dir, changed.params, { metadata: { bad: BigInt(1) } }), /not JSON-serialisable/);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt'], 'the temporary folder was removed');
  const probe = nn.cartPolePolicy({ seed: 3 });
  const info = nn.loadCheckpoint(dir, probe.params);
  assert.deepEqual(info.metadata, { version: 'good' });
  assert.deepEqual(probe.params.getFlat(), net.params.getFlat());
  // A swap interrupted after moving the old checkpoint aside is still readable.
  fs.renameSync(dir, `${dir}.previous`);
  assert.deepEqual(nn.loadCheckpoint(dir, probe.params).metadata, { version: 'good' });
  for (const m of [net, changed, probe]) m.dispose();
});

test('a forced backend that is unavailable is a clear error', async () => {
  const { spawnSync } = await import('node:child_process');
  const code = "require('./lib/nn').ready().then(() => console.log('started'), (e) => { console.log(e.message); process.exit(3); })";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env: { ...process.env, GRADIENT_DOJO_BACKEND: 'bogus' },
  });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stdout, /GRADIENT_DOJO_BACKEND=bogus is not a backend: use one of node, wasm, cpu/);
  let nodeInstalled = true;
  try { require.resolve('@tensorflow/tfjs-node'); } catch { nodeInstalled = false; }
  if (!nodeInstalled) {
    const n = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env: { ...process.env, GRADIENT_DOJO_BACKEND: 'node' },
    });
    assert.equal(n.status, 3, n.stderr);
    assert.match(n.stdout, /GRADIENT_DOJO_BACKEND=node is unavailable: node: @tensorflow\/tfjs-node is not installed/);
  }
});
