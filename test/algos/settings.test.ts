// Settings of the wrong type or range are refused before anything trains or is written, naming the
// setting, what it must be and what it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { A2C } from '../../lib/algos/a2c';
import type { Algorithm, UpdateResult } from '../../lib/algos/algorithm';
import { RecurrentA2C } from '../../lib/algos/recurrent-a2c';
import { Reinforce } from '../../lib/algos/reinforce';
import { train, type TrainOptions } from '../../lib/algos/trainer';

const root = resolve(__dirname, '..', '..');

test('a count setting (units, environments, steps, workers) that is not a whole number in range is refused, naming it', () => {
  assert.throws(() => new A2C({ hidden: 2.5 }), /a2c: config key 'hidden' must be a whole number >= 1 \(default 128\), got 2\.5/);
  assert.throws(() => new A2C({ hidden: -3 }), /'hidden' must be a whole number >= 1 .*got -3/);
  assert.throws(() => new Reinforce({ episodesPerUpdate: 0 }), /'episodesPerUpdate' must be a whole number >= 1 .*got 0/);
  assert.throws(
    () => new RecurrentA2C({ envWorkers: 1.5 }),
    /recurrent-a2c: config key 'envWorkers' must be a whole number >= 0 .*got 1\.5/,
  );
  assert.throws(() => new A2C({ lr: null as unknown as number }), /config key 'lr' must be a number .*got null/);
});

test('train(): evalEpisodes, evalEvery and checkpointEvery are checked before the first update', async () => {
  let updates = 0;
  const algo = {
    name: 'counting',
    config: { envId: 'CartPole-v1', seed: 0 },
    update(): UpdateResult {
      updates++;
      return { envSteps: 10, episodeReturns: [], episodeLengths: [], metrics: {} };
    },
    snapshot: () => ({ algo: 'counting', config: {}, counters: {}, rngs: {}, arrays: {} }),
    restore: () => {},
    evalAgent: () => ({ reset: () => {}, act: () => 0 }),
    dispose: () => {},
  } as unknown as Algorithm;
  const bad: [Partial<TrainOptions>, RegExp][] = [
    [{ evalEvery: 1, evalEpisodes: 0 }, /train: evalEpisodes must be a whole number >= 1, got 0/],
    [{ evalEvery: 1, evalEpisodes: 2.5 }, /evalEpisodes must be a whole number >= 1, got 2\.5/],
    [{ evalEvery: -1 }, /evalEvery must be a whole number >= 0, got -1/],
    [{ checkpointEvery: 0.5 }, /checkpointEvery must be a whole number >= 0, got 0\.5/],
  ];
  for (const [opts, message] of bad) {
    await assert.rejects(train(algo, { steps: 100, progress: 'none', ...opts }), message);
  }
  assert.equal(updates, 0, 'refused before any update');
});

function cli(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  return { status: r.status, stderr: r.stderr };
}

test('CLI: wrong config values and evaluation counts fail at start with exit 2, writing nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dojo-settings-'));
  try {
    const cases: [string[], RegExp][] = [
      [['--config', '{"hidden":2.5}'], /config key 'hidden' must be a whole number >= 1 \(default 128\), got 2\.5/],
      [['--config', '{"numEnvs":"8"}'], /config key 'numEnvs' must be a number \(default 8\), got "8", a string/],
      [['--config', '{"sharedTrunk":"yes"}'], /config key 'sharedTrunk' must be a boolean \(default false\), got "yes", a string/],
      [['--eval-every', '1', '--eval-episodes', '-1'], /--eval-episodes must be a whole number >= 1, got -1/],
      [['--eval-every', '1', '--eval-episodes', '2.5'], /--eval-episodes must be a whole number >= 1, got 2\.5/],
    ];
    for (const [i, [flags, message]] of cases.entries()) {
      const out = join(dir, `run${i}`);
      const r = cli('train', 'a2c', '--steps', '300', '--out', out, '--progress', 'none', ...flags);
      assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(join(out, 'metrics.jsonl')), `${flags.join(' ')}: nothing written`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
