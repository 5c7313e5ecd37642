// A run folder holds one run: a new run replaces an earlier one whole (library), or is refused unless
// told --resume or --overwrite (CLI); a resumed run's metrics read as one run even after a kill mid-write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Reinforce } from '../../lib/algos/reinforce';
import { train } from '../../lib/algos/trainer';
import { loadCheckpoint } from '../../lib/runs/checkpoint';
import { readMetrics } from '../../lib/runs/metrics';
import { runFiles } from '../../lib/runs/run-folder';
import { readEventFile } from '../../lib/runs/tensorboard';

const root = resolve(__dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-run-folder-'));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trainUpdates = (out: string) =>
  readMetrics<{ kind: string; update: number }>(join(out, 'metrics.jsonl'))
    .filter((r) => r.kind === 'train')
    .map((r) => r.update);

test('library: train() without resume into a folder holding a run replaces it whole (a re-run notebook mixes nothing)', async () => {
  const dir = tmp();
  try {
    const first = new Reinforce({ seed: 1, hidden: 16 });
    await train(first, { out: dir, steps: 600, checkpointEvery: 1, progress: 'none' });
    await first.dispose();
    const firstUpdates = trainUpdates(dir).length;
    // What a killed save leaves beside the checkpoint, and a file of the user's.
    mkdirSync(join(dir, 'checkpoint.tmp-999'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const again = new Reinforce({ seed: 2, hidden: 16 });
    const res = await train(again, { out: dir, steps: 100, progress: 'none' });
    await again.dispose();
    assert.ok(res.updates < firstUpdates, 'the second run is the shorter one');
    const events = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
    assert.equal(events.length, 1, 'one TensorBoard file, the new one');
    assert.equal(
      readEventFile(join(dir, events[0])).filter((e) => 'perf/steps_per_second' in e.scalars).length,
      res.updates,
      'and it holds the new run only',
    );
    assert.deepEqual(
      trainUpdates(dir),
      Array.from({ length: res.updates }, (_, i) => i + 1),
      "metrics.jsonl holds the new run's updates only",
    );
    assert.equal(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).config.seed, 2);
    assert.equal(loadCheckpoint(dir).trainer.updates, res.updates);
    assert.ok(!readdirSync(dir).includes('checkpoint.tmp-999'), 'the old save leftovers are gone');
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine', 'files not of a run stay');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: a folder holding only a checkpoint is a run too; a refused start changes no file', () => {
  const dir = tmp();
  try {
    const out = join(dir, 'run');
    let r = cli('train', 'reinforce', '--steps', '200', '--seed', '1', '--out', out, '--progress', 'none');
    assert.equal(r.status, 0, r.stderr);
    rmSync(join(out, 'metrics.jsonl'));
    const before = runFiles(out);
    const state = readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8');
    r = cli('train', 'reinforce', '--steps', '200', '--seed', '2', '--out', out, '--progress', 'none');
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /already holds a run \(.*checkpoint.*\)\. To continue it: add --resume\. To start over: give a new --out folder, or add --overwrite/,
    );
    assert.deepEqual(runFiles(out), before, 'no file added or removed');
    assert.equal(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'), state, 'the checkpoint is untouched');
    r = cli('train', 'reinforce', '--steps', '200', '--out', out, '--resume', '--overwrite');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /give one of them/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI --resume: a last metrics line cut short by a kill is dropped (and said so), rows past the checkpoint too', () => {
  const dir = tmp();
  try {
    const out = join(dir, 'run');
    let r = cli('train', 'reinforce', '--steps', '300', '--seed', '1', '--out', out, '--progress', 'none', '--checkpoint-every', '1');
    assert.equal(r.status, 0, r.stderr);
    const saved = Number(loadCheckpoint(out).trainer.updates);
    // A kill after a metrics line was written but before its checkpoint, then a kill mid-write.
    appendFileSync(
      join(out, 'metrics.jsonl'),
      `${JSON.stringify({ kind: 'train', update: saved + 1, envSteps: 1 })}\n{"kind":"train","upd`,
    );
    r = cli('train', 'reinforce', '--steps', '600', '--out', out, '--progress', 'none', '--resume');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /metrics\.jsonl: dropped its last line, cut short when the run was killed mid-write/);
    const updates = trainUpdates(out);
    assert.deepEqual(
      updates,
      Array.from({ length: updates.length }, (_, i) => i + 1),
      'update numbers run 1, 2, 3, ... without repeats',
    );
    assert.ok(updates.length > saved + 1);
    assert.ok(readFileSync(join(out, 'metrics.jsonl'), 'utf8').endsWith('}\n'), 'every line complete');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
