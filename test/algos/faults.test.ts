// Nothing lost, nothing forged: what training runs, checkpoints and metrics do under faults (bad
// settings, damaged or edited files, diverging runs, kills and signals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { A2C } from '../../lib/algos/a2c';
import { Reinforce } from '../../lib/algos/reinforce';
import type { Algorithm, UpdateResult } from '../../lib/algos/algorithm';
import { train, TrainingDivergedError } from '../../lib/algos/trainer';
import { loadCheckpoint, NonFiniteSnapshotError, saveCheckpoint, type Snapshot } from '../../lib/runs/checkpoint';
import { MetricsLog, readMetrics } from '../../lib/runs/metrics';
import { Rng } from '../../lib/util/rng';

const root = resolve(__dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-faults-'));

function snapshot(values: number[] = [1, 2, 3]): Snapshot {
  return {
    algo: 'reinforce',
    config: { envId: 'CartPole-v1', hidden: 128 },
    counters: { updates: 2 },
    rngs: {},
    arrays: { params: Float32Array.from(values), moments: new Float64Array([0.5, 0.25]) },
  };
}

test('config values of the wrong type are refused up front, naming the key, the type and the value', () => {
  assert.throws(
    () => new A2C({ lr: 'abc' as unknown as number }),
    /a2c: config key 'lr' must be a number \(default [0-9.e-]+\), got "abc", a string/,
  );
  assert.throws(() => new Reinforce({ normalizeReturns: 1 as unknown as boolean }), /'normalizeReturns' must be a boolean/);
  assert.throws(() => new Reinforce({ lrr: 0.1 } as never), /unknown config key 'lrr'\. Did you mean 'lr'\?/);
});

test('checkpoints: damaged, padded, swapped or edited files are refused with the file named; NaN is never written', () => {
  const dir = tmp();
  try {
    const ck = join(dir, 'checkpoint');
    saveCheckpoint(ck, snapshot(), { updates: 2 });
    assert.deepEqual(Array.from(loadCheckpoint(ck).snapshot.arrays.params), [1, 2, 3]);
    const bin = join(ck, 'arrays.bin');
    const good = readFileSync(bin);

    writeFileSync(bin, Buffer.alloc(0));
    assert.throws(() => loadCheckpoint(ck), /arrays\.bin is truncated: 0 bytes/);
    writeFileSync(bin, good.subarray(0, good.length - 4));
    assert.throws(() => loadCheckpoint(ck), /truncated/);
    writeFileSync(bin, Buffer.concat([good, Buffer.alloc(8)]));
    assert.throws(() => loadCheckpoint(ck), /arrays\.bin has \d+ bytes, but was written with \d+: it was damaged or replaced/);
    const other = Buffer.from(good);
    other[1] ^= 0x40; // arrays of another run, same size
    writeFileSync(bin, other);
    assert.throws(() => loadCheckpoint(ck), /arrays\.bin is damaged: its checksum/);
    writeFileSync(bin, good);

    const statePath = join(ck, 'state.json');
    const state = readFileSync(statePath, 'utf8');
    writeFileSync(statePath, state.replace('CartPole-v1', 'KungFuMasterDeterministic-v0'));
    assert.throws(() => loadCheckpoint(ck), /state\.json was edited or damaged/);
    writeFileSync(statePath, state);
    assert.ok(loadCheckpoint(ck));

    // A snapshot with a NaN: refused, and the checkpoint on disk is unchanged.
    assert.throws(
      () => saveCheckpoint(ck, snapshot([1, Number.NaN, 3])),
      (e: unknown) => e instanceof NonFiniteSnapshotError && /'params'/.test(String(e)),
    );
    assert.deepEqual(Array.from(loadCheckpoint(ck).snapshot.arrays.params), [1, 2, 3]);
    // A checkpoint written before checksums existed, holding a NaN, is refused on load.
    const legacy = JSON.parse(state);
    delete legacy.checksum;
    delete legacy.bytes;
    writeFileSync(statePath, JSON.stringify(legacy));
    const nan = Buffer.from(good);
    nan.writeFloatLE(Number.NaN, 4);
    writeFileSync(bin, nan);
    assert.throws(() => loadCheckpoint(ck), /1 value\(s\) of array 'params' are NaN or infinite \(the first at index 1\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints: a save killed between its two renames is recovered from the new copy (else the old one)', () => {
  const dir = tmp();
  try {
    const ck = join(dir, 'checkpoint');
    saveCheckpoint(ck, snapshot([1, 1, 1]));
    // What a kill between the renames leaves: the old checkpoint moved aside, the new one complete in tmp.
    renameSync(ck, `${ck}.old-4242`);
    saveCheckpoint(join(dir, 'scratch'), snapshot([2, 2, 2]));
    renameSync(join(dir, 'scratch'), `${ck}.tmp-4242`);
    assert.deepEqual(Array.from(loadCheckpoint(ck).snapshot.arrays.params), [2, 2, 2]);
    assert.deepEqual(Array.from(loadCheckpoint(dir).snapshot.arrays.params), [2, 2, 2]);
    // A tmp copy cut short is passed over for the old one.
    truncateSync(join(`${ck}.tmp-4242`, 'arrays.bin'), 3);
    assert.deepEqual(Array.from(loadCheckpoint(ck).snapshot.arrays.params), [1, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metrics.jsonl: a last line cut short by a kill is dropped on resume and when read; a damaged earlier line is an error', () => {
  const dir = tmp();
  try {
    const path = join(dir, 'metrics.jsonl');
    const log = new MetricsLog(path);
    log.start();
    for (let u = 1; u <= 4; u++) log.append({ kind: 'train', update: u });
    appendFileSync(path, '{"kind":"train","upd');
    assert.deepEqual(
      readMetrics<{ update: number }>(path).map((r) => r.update),
      [1, 2, 3, 4],
    );
    log.keepUpTo(3);
    assert.deepEqual(
      readMetrics<{ update: number }>(path).map((r) => r.update),
      [1, 2, 3],
    );
    writeFileSync(path, '{"update":1}\n{"upd\n{"update":2}\n');
    assert.throws(() => readMetrics(path), /metrics\.jsonl:2: not valid JSON/);
    assert.throws(() => log.keepUpTo(5), /metrics\.jsonl:2: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A stand-in algorithm whose parameters turn NaN at update `nanAt`, or whose gradient norm does. */
function fakeAlgorithm(opts: { nanParamsAt?: number; nanGradAt?: number }): Algorithm {
  let updates = 0;
  const params = new Float32Array(4).fill(0.5);
  return {
    name: 'fake',
    config: { envId: 'CartPole-v1', seed: 0 },
    update(): UpdateResult {
      updates++;
      if (updates === opts.nanParamsAt) params[2] = Number.NaN;
      const grad = updates === opts.nanGradAt ? Number.NaN : 1;
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: { 'loss/total': 1, 'grad/norm': grad } };
    },
    snapshot: () => ({ algo: 'fake', config: {}, counters: { updates }, rngs: {}, arrays: { params: params.slice() } }),
    restore: () => {},
    evalAgent: () => ({ reset: () => {}, act: () => 0 }),
    dispose: () => {},
  } as unknown as Algorithm;
}

test('divergence on the gradient or the parameters stops the run; the last good checkpoint is the last finite one', async () => {
  const dir = tmp();
  try {
    await assert.rejects(
      train(fakeAlgorithm({ nanParamsAt: 4 }), { steps: 1000, out: dir, checkpointEvery: 1, progress: 'none' }),
      (e: unknown) =>
        e instanceof TrainingDivergedError &&
        e.update === 4 &&
        /the parameters \('params'\)/.test(e.message) &&
        /last good checkpoint is/.test(e.message),
    );
    const ck = loadCheckpoint(join(dir, 'checkpoint'));
    assert.equal(ck.snapshot.counters.updates, 3);
    assert.ok(Array.from(ck.snapshot.arrays.params).every(Number.isFinite));
    // An update that throws on non-finite numbers (sampling from logits a huge step overflowed) is divergence too.
    const overflow = fakeAlgorithm({});
    let calls = 0;
    overflow.update = () => {
      if (++calls === 3) throw new Error('sampleFromLogits: row 0 has no finite logit');
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: { 'loss/total': 1 } };
    };
    await assert.rejects(
      train(overflow, { steps: 1000, progress: 'none' }),
      (e: unknown) => e instanceof TrainingDivergedError && e.update === 3 && /network's outputs \(sampleFromLogits/.test(e.message),
    );
    await assert.rejects(
      train(fakeAlgorithm({ nanGradAt: 2 }), { steps: 1000, progress: 'none' }),
      (e: unknown) => e instanceof TrainingDivergedError && e.term === 'grad/norm' && e.update === 2,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resume refuses a change of a setting that shapes the network, naming it', async () => {
  const dir = tmp();
  try {
    const first = new Reinforce({ seed: 1, hidden: 16, episodesPerUpdate: 1 });
    await train(first, { steps: 50, out: dir, progress: 'none' });
    first.dispose();
    const wider = new Reinforce({ seed: 1, hidden: 32, episodesPerUpdate: 1 });
    await assert.rejects(
      train(wider, { steps: 100, out: dir, resume: true, progress: 'none' }),
      /resume: hidden was 16 in .* and is 32 now/,
    );
    wider.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: an existing run folder is refused without --resume or --overwrite; bad counts and config values fail at start', () => {
  const dir = tmp();
  try {
    const out = join(dir, 'run');
    let r = cli('train', 'reinforce', '--steps', '300', '--seed', '1', '--out', out, '--progress', 'none');
    assert.equal(r.status, 0, r.stderr);
    const before = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    r = cli('train', 'reinforce', '--steps', '300', '--seed', '2', '--out', out, '--progress', 'none');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /already holds a run .*To continue it: add --resume.*--overwrite/s);
    assert.equal(readFileSync(join(out, 'metrics.jsonl'), 'utf8'), before, 'the refused start changed nothing');
    r = cli('train', 'reinforce', '--steps', '300', '--seed', '2', '--out', out, '--progress', 'none', '--overwrite');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readdirSync(out).filter((f) => f.startsWith('events.out.tfevents.')).length,
      1,
      'one TensorBoard file: the old one was deleted',
    );
    assert.equal(readMetrics<{ update: number }>(join(out, 'metrics.jsonl'))[0].update, 1);

    r = cli('train', 'reinforce', '--steps', '300', '--out', join(dir, 'b'), '--eval-every', '1', '--eval-episodes', '0');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--eval-episodes must be a whole number >= 1, got 0/);
    assert.ok(!existsSync(join(dir, 'b', 'metrics.jsonl')), 'refused before anything was written');
    r = cli('train', 'a2c', '--steps', '300', '--out', join(dir, 'c'), '--config', '{"lr":"abc"}');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /config key 'lr' must be a number .*got "abc", a string/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts `gradient-dojo train` and resolves once its metrics.jsonl has at least `lines` lines. */
function startTraining(args: string[], metrics: string, lines: number) {
  const child = spawn(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), 'train', ...args], {
    cwd: root,
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const started = new Promise<void>((res, rej) => {
    const poll = setInterval(() => {
      const n = existsSync(metrics) ? readFileSync(metrics, 'utf8').split('\n').filter(Boolean).length : 0;
      if (n >= lines) {
        clearInterval(poll);
        res();
      }
    }, 20);
    exited.then(() => {
      clearInterval(poll);
      rej(new Error(`training exited before writing ${lines} metrics lines:\n${stderr}`));
    });
  });
  return { child, exited, started, stderr: () => stderr };
}

function checkRun(out: string): number {
  const ck = loadCheckpoint(join(out, 'checkpoint')); // loads: checksums and finiteness checked
  const updates = readMetrics<{ kind: string; update: number }>(join(out, 'metrics.jsonl'))
    .filter((r) => r.kind === 'train')
    .map((r) => r.update);
  updates.forEach((u, i) => assert.equal(u, i + 1, `metrics update numbers run 1, 2, 3...: ${updates.join(',')}`));
  assert.ok(ck.snapshot.counters.updates !== undefined || ck.trainer.updates !== undefined);
  return updates.length;
}

test('chaos: SIGKILL at random moments, then resume, then Ctrl-C: always a loadable finite checkpoint and consistent metrics', async () => {
  const dir = tmp();
  const out = join(dir, 'run');
  const metrics = join(out, 'metrics.jsonl');
  const rng = new Rng(2024);
  const args = (resume: boolean) => [
    'a2c',
    '--env',
    'CartPole-v1',
    '--seconds',
    '120',
    '--seed',
    '1',
    '--out',
    out,
    '--checkpoint-every',
    '1',
    '--progress',
    'none',
    ...(resume ? ['--resume'] : []),
  ];
  try {
    let lines = 2;
    for (let kill = 0; kill < 3; kill++) {
      const run = startTraining(args(kill > 0), metrics, lines);
      await run.started;
      await new Promise((r) => setTimeout(r, 50 + rng.int(400)));
      run.child.kill('SIGKILL');
      await run.exited;
      lines = checkRun(out) + 2;
    }
    // Ctrl-C: stops after the current update with a checkpoint, says how to resume, long before its budget.
    const run = startTraining(args(true), metrics, lines);
    await run.started;
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const code = await run.exited;
    assert.ok(Date.now() - t0 < 15_000, `stopped ${Date.now() - t0} ms after Ctrl-C (its budget was 120 s)`);
    assert.equal(code, 130, run.stderr());
    assert.match(run.stderr(), /Interrupted: checkpoint saved to .*Resume with: gradient-dojo train a2c --out .* --resume --seconds 120/);
    const n = checkRun(out);
    const ck = loadCheckpoint(join(out, 'checkpoint'));
    assert.equal(ck.trainer.updates, n, 'the checkpoint is of the last logged update');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM stops a synchronous algorithm with a checkpoint too', async () => {
  const dir = tmp();
  const out = join(dir, 'run');
  try {
    const run = startTraining(
      ['reinforce', '--seconds', '120', '--out', out, '--checkpoint-every', '1000', '--progress', 'none'],
      join(out, 'metrics.jsonl'),
      2,
    );
    await run.started;
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 130, run.stderr());
    assert.match(run.stderr(), /Interrupted: checkpoint saved/);
    checkRun(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
