// Stopping a run: Ctrl-C or SIGTERM during `gradient-dojo train` (every algorithm), a second Ctrl-C, and
// the library's `train({ signal })`, also while an evaluation is under way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { A2C } from '../../lib/algos/a2c';
import type { Algorithm, UpdateResult } from '../../lib/algos/algorithm';
import { train } from '../../lib/algos/trainer';
import { loadCheckpoint } from '../../lib/runs/checkpoint';
import { readMetrics } from '../../lib/runs/metrics';

const root = resolve(__dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-interrupt-'));

/** Starts `gradient-dojo train ...`; `started` resolves once its metrics.jsonl has `lines` lines. */
function startTraining(args: string[], metrics: string, lines: number) {
  const child = spawn(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), 'train', ...args], {
    cwd: root,
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const started = new Promise<void>((res, rej) => {
    const poll = setInterval(() => {
      const n = existsSync(metrics) ? readFileSync(metrics, 'utf8').split('\n').filter(Boolean).length : 0;
      if (n >= lines) {
        clearInterval(poll);
        res();
      }
    }, 20);
    void exited.then(() => {
      clearInterval(poll);
      rej(new Error(`training exited before writing ${lines} metrics lines:\n${stderr}`));
    });
  });
  return { child, exited, started, stderr: () => stderr };
}

/** The train rows' update numbers of a run folder's metrics.jsonl. */
function trainUpdates(out: string): number[] {
  return readMetrics<{ kind: string; update: number }>(join(out, 'metrics.jsonl'))
    .filter((r) => r.kind === 'train')
    .map((r) => r.update);
}

test('Ctrl-C stops every algorithm long before its budget, with a checkpoint of the last logged update and the resume command', async () => {
  const dir = tmp();
  try {
    // reinforce and a2c: SIGTERM and the chaos run in faults.test.ts. CartPole keeps this short; on Kung-Fu
    // an update of these takes well under a second too.
    for (const algo of ['a3c-sync', 'a3c-nstep', 'recurrent-a2c', 'a3c', 'ppo']) {
      const out = join(dir, algo);
      const run = startTraining(
        [algo, '--env', 'CartPole-v1', '--seconds', '30', '--out', out, '--checkpoint-every', '1000', '--progress', 'none'],
        join(out, 'metrics.jsonl'),
        2,
      );
      await run.started;
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 130, `${algo}: stopped by Ctrl-C (exit 130), not by its 30 s budget\n${run.stderr()}`);
      assert.match(
        run.stderr(),
        new RegExp(`Interrupted: checkpoint saved to .*Resume with: gradient-dojo train ${algo} --out .* --resume --seconds 30`),
      );
      const updates = trainUpdates(out);
      assert.equal(loadCheckpoint(join(out, 'checkpoint')).trainer.updates, updates.at(-1), `${algo}: checkpoint of the last update`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second Ctrl-C quits at once, also when both come during one update', async () => {
  const dir = tmp();
  const out = join(dir, 'run');
  try {
    // Updates of 300 episodes (seconds each): both signals arrive while one update runs.
    const run = startTraining(
      [
        'reinforce',
        '--seconds',
        '60',
        '--out',
        out,
        '--config',
        '{"episodesPerUpdate":300}',
        '--checkpoint-every',
        '1',
        '--progress',
        'none',
      ],
      join(out, 'metrics.jsonl'),
      1,
    );
    await run.started;
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130, run.stderr());
    assert.match(run.stderr(), /SIGINT again: quitting at once/);
    assert.doesNotMatch(run.stderr(), /Interrupted: checkpoint saved/, 'quit without finishing the run');
    assert.ok(loadCheckpoint(join(out, 'checkpoint')), 'the last completed checkpoint is intact');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('library: train({ signal }) stops a synchronous algorithm when a timer aborts, with a final checkpoint', async () => {
  const dir = tmp();
  const algo = new A2C({ seed: 3, hidden: 16 });
  try {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const res = await train(algo, {
      out: dir,
      seconds: 60,
      progress: 'none',
      signal: controller.signal,
      // A timer set after the first update: it only fires if the loop gives the event loop a turn.
      onUpdate: (log) => {
        if (log.update === 1) timer = setTimeout(() => controller.abort(), 50);
      },
    });
    clearTimeout(timer);
    assert.equal(res.stopReason, 'interrupted');
    assert.equal(loadCheckpoint(join(dir, 'checkpoint')).trainer.updates, res.updates);
    assert.deepEqual(trainUpdates(dir).at(-1), res.updates);
  } finally {
    await algo.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An algorithm with a trivial update whose evaluation episodes (always action 0 on CartPole) are many. */
function quickAlgorithm(): Algorithm {
  let updates = 0;
  const params = new Float32Array(4).fill(0.5);
  return {
    name: 'quick',
    config: { envId: 'CartPole-v1', seed: 0 },
    update(): UpdateResult {
      updates++;
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: { 'loss/total': 1, 'grad/norm': 1 } };
    },
    snapshot: () => ({ algo: 'quick', config: {}, counters: { updates }, rngs: {}, arrays: { params: params.slice() } }),
    restore: () => {},
    evalAgent: () => ({ reset: () => {}, act: () => 0 }),
    dispose: () => {},
  } as unknown as Algorithm;
}

test('library: aborting during an evaluation abandons it and stops the run with a checkpoint', async () => {
  const dir = tmp();
  try {
    const controller = new AbortController();
    // 300,000 evaluation episodes (about 3 million steps) after update 2; the abort comes 50 ms into them.
    const res = await train(quickAlgorithm(), {
      out: dir,
      steps: 1_000_000,
      evalEvery: 2,
      evalEpisodes: 300_000,
      progress: 'none',
      signal: controller.signal,
      onUpdate: (log) => {
        if (log.update === 2) setTimeout(() => controller.abort(), 50);
      },
    });
    assert.equal(res.stopReason, 'interrupted');
    assert.equal(res.updates, 2);
    assert.deepEqual(res.evals, [], 'the abandoned evaluation is not reported');
    assert.ok(readMetrics<{ kind: string }>(join(dir, 'metrics.jsonl')).every((r) => r.kind === 'train'));
    assert.equal(loadCheckpoint(join(dir, 'checkpoint')).trainer.updates, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
