import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { entropySweep } from '../../lib/algos/reinforce';
import { entropySweepFigure } from '../../lib/viz/plots';

test('entropySweep: one comparable row and curve per coefficient, and a Plotly figure', () => {
  const res = entropySweep([0, 0.5], {
    updates: 6,
    evalEvery: 3,
    evalEpisodes: 3,
    target: 1e9,
    config: { seed: 4, numEnvs: 2, episodesPerUpdate: 4 },
  });
  assert.deepEqual(
    res.rows.map((r) => r.entropyCoef),
    [0, 0.5],
  );
  for (const r of res.rows) {
    assert.equal(r.updates, 6);
    assert.ok(r.envSteps > 0 && Number.isFinite(r.finalTrainReturn) && Number.isFinite(r.evalMean));
    assert.equal(r.updatesToTarget, null);
  }
  assert.equal(res.curves[0].returns.length, 6);
  // a large entropy bonus keeps the policy closer to uniform (ln 2 = 0.693 nats)
  assert.ok(res.rows[1].finalEntropy > res.rows[0].finalEntropy, `entropy ${res.rows[1].finalEntropy} vs ${res.rows[0].finalEntropy}`);
  assert.equal(entropySweepFigure(res.curves).data.length, 2);
  assert.equal(entropySweepFigure(res.curves, 'entropy').data[1].y, res.curves[1].entropy);
});

const root = resolve(__dirname, '..', '..');
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'gradient-dojo.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GRADIENT_DOJO_BACKEND: 'cpu' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: train, resume, eval --json, report; typos list the valid choices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'algos-cli-'));
  const out = join(dir, 'run');
  try {
    let r = cli('train', 'reinforce', '--steps', '2000', '--seed', '3', '--out', out, '--progress', 'none');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(out, 'checkpoint', 'state.json')));
    r = cli('train', 'reinforce', '--steps', '4000', '--out', out, '--resume', '--progress', 'none');
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(lines.at(-1).envSteps >= 4000);
    r = cli('eval', '--checkpoint', out, '--episodes', '3', '--seed', '5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const ev = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(ev.episodes, 3);
    for (const k of ['mean', 'std', 'min', 'max']) assert.equal(typeof ev[k], 'number');
    assert.ok(ev.min <= ev.mean && ev.mean <= ev.max);
    r = cli('report', out);
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /Plotly\.newPlot/);
    assert.ok(html.length > 1e6, 'plotly.js is inlined');

    r = cli('train', 'reinfroce', '--steps', '10', '--out', out);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Did you mean 'reinforce'\?.*Algorithms: reinforce, a2c/);
    r = cli('train', 'a2c', '--steps', '10', '--env', 'CartPol-v1', '--out', join(dir, 'x'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Did you mean 'CartPole-v1'\?/);
    r = cli('eval', '--checkpoint', out, '--episode', '3');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Did you mean --episodes\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
