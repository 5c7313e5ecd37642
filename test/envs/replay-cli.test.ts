import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { make } from '../../lib/envs';
import { needShared } from '../helpers';

const root = resolve(__dirname, '..', '..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/gradient-dojo.js', 'replay', ...args], { cwd: root, encoding: 'utf8', timeout: 60000 });

function recordFile(dir: string, tamper: boolean): string {
  const env = make('CartPole-v0');
  const initial = [0.01, -0.02, 0.03, 0.04];
  env.reset({ options: { state: initial } });
  const steps: Array<{ a: number; obs: number[]; r: number; terminated: boolean; truncated: boolean }> = [];
  for (let t = 0; t < 12; t++) {
    const a = t % 3 === 0 ? 0 : 1;
    const r = env.step(a);
    steps.push({ a, obs: Array.from(r.obs), r: r.reward, terminated: r.terminated, truncated: r.truncated });
    if (r.terminated) break;
  }
  if (tamper) steps[5].obs[1] += 1e-3;
  const file = join(dir, tamper ? 'bad.json' : 'good.json');
  writeFileSync(file, JSON.stringify({ episodes: [{ env_id: 'CartPole-v0', max_episode_steps: 200, initial_state: initial, steps }] }));
  return file;
}

test('replay CLI: exit 0 when all episodes match, 1 with the first mismatch, 2 for unusable files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  const good = run(recordFile(dir, false));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /episode 0 \(CartPole-v0, 12 steps\): match/);
  const bad = run(recordFile(dir, true));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /MISMATCH at step 5, obs\[1\]: expected .*, actual /);
  writeFileSync(join(dir, 'broken.json'), '{"episodes": [{"env_id": "CartPole-v1"');
  const broken = run(join(dir, 'broken.json'));
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /not valid JSON/);
  writeFileSync(join(dir, 'shape.json'), '{"episodes": [{"env_id": "CartPole-v1", "initial_state": [0,0,0,0], "steps": [{"a": 0}]}]}');
  assert.match(run(join(dir, 'shape.json')).stderr, /episodes\[0\]\.steps\[0\]\.obs must be 4 numbers/);
  assert.equal(run(join(dir, 'missing.json')).status, 2);
});

test('replay CLI on the Gymnasium reference: every episode matches (exit 0); with --trig math the balancing ones do not', (t) => {
  const file = needShared(t, 'reference', 'cartpole', 'cartpole_reference.json');
  if (!file) return;
  const ok = run(file);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /12 of 12 episodes match/);
  const libm = run(file, '--trig', 'math');
  assert.equal(libm.status, 1);
  assert.match(libm.stdout, /episode 3 \(CartPole-v1, 500 steps\): MISMATCH at step \d+/);
  assert.match(run(file, '--trig', 'fast').stderr, /--trig must be numpy-svml or math, got 'fast'/);
});
