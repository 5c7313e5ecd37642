// Training that ends with its best agent: evaluations keep the best one in best/ (library and CLI),
// stopAt / --stop-at stop at a target, eval and play take --best.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from '../../lib/algos/trainer';
import { evaluateCheckpoint } from '../../lib/algos/registry';
import type { Algorithm } from '../../lib/algos/algorithm';
import { loadCheckpoint } from '../../lib/runs/checkpoint';
import { runFiles } from '../../lib/runs/run-folder';
import { projectRoot } from '../../lib/util/paths';

type Play = 'bad' | 'medium' | 'good';

/**
 * An algorithm whose agent after update u plays CartPole as `schedule[u - 1]` says: 'bad' always pushes
 * left (about 9 steps), 'medium' pushes at random (about 20), 'good' balances by the pole's angle and
 * angular velocity (hundreds). Its one parameter is u; the agent adds 1000 to it on every action, like
 * weights that go on changing while an evaluation plays (threaded workers).
 */
function scheduled(schedule: Play[]): Algorithm {
  let u = 0;
  const params = new Float32Array(1);
  return {
    name: 'fake',
    config: { envId: 'CartPole-v1', seed: 0 },
    update: () => {
      u++;
      params[0] = u;
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: { 'loss/policy': 0 } };
    },
    snapshot: () => ({ algo: 'fake', config: {}, counters: { u }, rngs: {}, arrays: { params: params.slice() } }),
    restore: (s) => {
      u = s.counters.u;
      params[0] = u;
    },
    evalAgent: (rng) => {
      const play = schedule[u - 1];
      return {
        reset: () => {},
        act: (obs: Float32Array) => {
          params[0] += 1000;
          if (play === 'bad') return 0;
          if (play === 'medium') return rng.int(2);
          return obs[2] + obs[3] > 0 ? 1 : 0;
        },
      };
    },
    dispose: () => {},
  };
}

const bestUpdate = (dir: string) => loadCheckpoint(join(dir, 'best')).snapshot.arrays.params[0];

test('evaluations keep the agent of the best one in best/, exactly as evaluated; stopAt stops at a target', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'algos-best-'));
  try {
    const res = await train(scheduled(['bad', 'good', 'medium', 'bad']), {
      steps: 40,
      evalEvery: 1,
      evalEpisodes: 3,
      out: dir,
      progress: 'none',
    });
    assert.equal(res.evals.length, 4);
    const means = res.evals.map((e) => e.mean);
    assert.ok(means[1] > means[2] && means[2] > means[0], `good > medium > bad expected, got ${means}`);
    assert.equal(res.best?.update, 2);
    assert.equal(res.best?.mean, means[1]);
    assert.equal(res.best?.checkpoint, join(dir, 'best'));
    // the parameters when the evaluation began (2), not after it played (2 + 1000 per action)
    assert.equal(bestUpdate(dir), 2);
    const recorded = loadCheckpoint(join(dir, 'best')).trainer.eval as { mean: number; update: number };
    assert.equal(recorded.mean, means[1]);
    assert.equal(recorded.update, 2);
    assert.equal(loadCheckpoint(dir).trainer.updates, 4, 'the latest checkpoint stays the last update');
    assert.ok(runFiles(dir).includes('best'), 'best/ belongs to the run (a new run or --overwrite deletes it)');

    // A new run in the same folder replaces best/ too; stopAt ends it at the first evaluation reaching it.
    const stopped = await train(scheduled(['bad', 'medium', 'good', 'bad']), {
      steps: 1000,
      evalEvery: 1,
      evalEpisodes: 3,
      stopAt: 100,
      out: dir,
      progress: 'none',
    });
    assert.equal(stopped.stopReason, 'target');
    assert.equal(stopped.updates, 3);
    assert.equal(bestUpdate(dir), 3);
    assert.equal(loadCheckpoint(dir).trainer.updates, 3, 'a run stopped at its target ends with a checkpoint');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a resumed run keeps the best agent of its earlier sessions unless it beats it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'algos-best-resume-'));
  try {
    const schedule: Play[] = ['bad', 'good', 'medium', 'bad'];
    await train(scheduled(schedule), { steps: 20, evalEvery: 1, evalEpisodes: 3, out: dir, progress: 'none' });
    assert.equal(bestUpdate(dir), 2);
    const resumed = await train(scheduled(schedule), {
      steps: 40,
      evalEvery: 1,
      evalEpisodes: 3,
      out: dir,
      resume: true,
      progress: 'none',
    });
    assert.equal(resumed.updates, 4);
    assert.equal(resumed.best?.update, 2, 'the medium agent of update 3 is not better than the good one of update 2');
    assert.equal(bestUpdate(dir), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train() refuses stopAt without evaluations or of the wrong type', async () => {
  await assert.rejects(train(scheduled(['bad']), { steps: 10, stopAt: 100, progress: 'none' }), /stopAt needs evaluations.*evalEvery >= 1/);
  await assert.rejects(
    train(scheduled(['bad']), { steps: 10, evalEvery: 1, stopAt: '100' as unknown as number, progress: 'none' }),
    /stopAt must be a finite number/,
  );
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'bin', 'gradient-dojo.js'), ...args], {
    cwd: projectRoot(),
    encoding: 'utf8',
  });

test('CLI: --eval-every keeps best/, --stop-at stops there, eval and play take --best', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-best-'));
  const out = join(dir, 'run');
  try {
    const noEval = cli(['train', 'reinforce', '--steps', '2000', '--out', out, '--stop-at', '100']);
    assert.equal(noEval.status, 2, noEval.stderr);
    assert.match(noEval.stderr, /--stop-at needs evaluations.*--eval-every N/);
    assert.equal(existsSync(out), false, 'nothing written');

    const t = cli([
      'train',
      'reinforce',
      '--steps',
      '200000',
      '--seed',
      '1',
      '--out',
      out,
      '--eval-every',
      '2',
      '--eval-episodes',
      '5',
      '--stop-at',
      '60',
      '--progress',
      'lines',
    ]);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /\(stopped: target\)/);
    // progress lines: throughput with the load average beside it; evaluations with the best so far
    assert.match(t.stderr, /\d+ steps\/s \(load \d+\.\d\) \|/);
    assert.match(t.stderr, /eval @ update \d+: mean [\d.]+ .*\| best [\d.]+ \(update \d+\)/);
    assert.match(
      t.stdout,
      new RegExp(
        `best: ${join(out, 'best').replace(/[/\\]/g, '.')} \\(evaluation [\\d.]+ ± [\\d.]+ at update \\d+; eval --checkpoint ${out.replace(/[/\\]/g, '.')} --best\\)`,
      ),
    );
    const best = loadCheckpoint(join(out, 'best')).trainer.eval as { mean: number };
    assert.ok(best.mean >= 60);

    const e = cli(['eval', '--checkpoint', out, '--best', '--episodes', '2', '--seed', '5', '--json']);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).checkpoint, join(out, 'best'));
    // the library's evaluateCheckpoint plays the games of `eval --seed S`: a notebook and the command line agree
    const fromLibrary = await evaluateCheckpoint(join(out, 'best'), { episodes: 2, seed: 5 });
    assert.deepEqual(fromLibrary.returns, JSON.parse(e.stdout).returns);
    assert.deepEqual(fromLibrary.lengths, JSON.parse(e.stdout).lengths);
    const other = await evaluateCheckpoint(join(out, 'best'), { episodes: 2, seed: 6 });
    assert.notDeepEqual(other.lengths, fromLibrary.lengths, 'another seed plays other games');
    await assert.rejects(evaluateCheckpoint(join(out, 'best'), { episodes: 0 }), /episodes must be a positive integer, got 0/);
    const fromCheckpointFolder = cli(['eval', '--checkpoint', join(out, 'checkpoint'), '--best', '--episodes', '1', '--json']);
    assert.equal(JSON.parse(fromCheckpointFolder.stdout).checkpoint, join(out, 'best'));
    const gif = join(dir, 'best.gif');
    const p = cli(['play', '--checkpoint', out, '--best', '--gif', gif, '--max-steps', '20']);
    assert.equal(p.status, 0, p.stderr);
    assert.ok(existsSync(gif));

    const plain = join(dir, 'plain');
    assert.equal(cli(['train', 'reinforce', '--steps', '1000', '--out', plain, '--progress', 'none']).status, 0);
    const missing = cli(['eval', '--checkpoint', plain, '--best']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /has no best\/ folder.*train --eval-every N/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
