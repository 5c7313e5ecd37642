// Chaos: a real `gradient-dojo train` (REINFORCE on CartPole, a checkpoint and an evaluation every few
// updates) killed with SIGKILL at seeded random moments, resumed each time, then stopped with Ctrl-C and
// finished. After every kill the run folder holds a loadable, finite checkpoint and a metrics.jsonl that
// reads as one run: train updates 1, 2, 3, ... and only the last line possibly cut short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { firstNonFinite, loadCheckpoint } from '../../lib/runs/checkpoint';
import { readMetrics } from '../../lib/runs/metrics';
import { Rng } from '../../lib/util/rng';

const root = resolve(__dirname, '..', '..');

function start(args: string[]) {
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
  return { child, exited, stderr: () => stderr };
}

/** Resolves once `path` logs a train row of update `update` or later (rejects when the run ends first). */
async function untilUpdate(path: string, update: number, exited: Promise<unknown>, stderr: () => string): Promise<void> {
  let over = false;
  void exited.then(() => {
    over = true;
  });
  for (;;) {
    const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
    const reached = lines.some((l) => {
      try {
        const row = JSON.parse(l) as { kind?: string; update?: number };
        return row.kind === 'train' && (row.update ?? 0) >= update;
      } catch {
        return false;
      }
    });
    if (reached) return;
    if (over) throw new Error(`training exited before update ${update}:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Checks the run folder as a kill left it; returns the checkpoint's update. */
function check(out: string, when: string): number {
  const ck = loadCheckpoint(join(out, 'checkpoint')); // checksums and finiteness checked on load
  assert.equal(firstNonFinite(ck.snapshot.arrays), null, `${when}: finite checkpoint`);
  const saved = Number(ck.trainer.updates);
  const raw = readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n');
  // Every line ended by a newline is complete JSON; only the text after the last newline may be cut short.
  raw.slice(0, -1).forEach((l, i) => assert.doesNotThrow(() => JSON.parse(l), `${when}: line ${i + 1} is complete`));
  const rows = readMetrics<{ kind: string; update: number }>(join(out, 'metrics.jsonl'));
  const trainUpdates = rows.filter((r) => r.kind === 'train').map((r) => r.update);
  assert.deepEqual(
    trainUpdates,
    Array.from({ length: trainUpdates.length }, (_, i) => i + 1),
    `${when}: train updates run 1, 2, 3, ...`,
  );
  for (const r of rows.filter((r) => r.kind === 'eval'))
    assert.ok(trainUpdates.includes(r.update), `${when}: evaluation at update ${r.update} follows its update`);
  const last = trainUpdates.at(-1) ?? 0;
  // The metrics line of an update is written before its checkpoint: the log may be one update ahead.
  assert.ok(saved === last || saved === last - 1, `${when}: checkpoint at update ${saved}, log at ${last}`);
  return saved;
}

test('chaos: SIGKILL at seeded random moments, resume, Ctrl-C, resume: always a finite checkpoint and one consistent log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dojo-chaos-'));
  const out = join(dir, 'run');
  const metrics = join(out, 'metrics.jsonl');
  const rng = new Rng(17);
  const args = (budget: string[], resume: boolean) => [
    'reinforce',
    ...budget,
    '--seed',
    '5',
    '--out',
    out,
    '--checkpoint-every',
    '1',
    '--eval-every',
    '3',
    '--eval-episodes',
    '2',
    '--progress',
    'none',
    ...(resume ? ['--resume'] : []),
  ];
  try {
    let saved = 0;
    for (let kill = 0; kill < 5; kill++) {
      const run = start(args(['--seconds', '120'], kill > 0));
      // The first run is killed after its first checkpoint; the resumed ones at any moment from their start
      // (loading, trimming the log, training, writing a checkpoint), 0.3 to 2.5 s after it.
      if (kill === 0) await untilUpdate(metrics, 2, run.exited, run.stderr);
      await new Promise((r) => setTimeout(r, kill === 0 ? rng.int(300) : 300 + rng.int(2200)));
      run.child.kill('SIGKILL');
      await run.exited;
      const now = check(out, `after kill ${kill + 1}`);
      assert.ok(now >= saved, 'a resumed run never goes back');
      saved = now;
    }
    const interrupted = start(args(['--seconds', '120'], true));
    await untilUpdate(metrics, saved + 2, interrupted.exited, interrupted.stderr);
    interrupted.child.kill('SIGINT');
    assert.equal(await interrupted.exited, 130, interrupted.stderr());
    assert.match(interrupted.stderr(), /Interrupted: checkpoint saved to .* Resume with: gradient-dojo train reinforce --out .* --resume/);
    saved = check(out, 'after Ctrl-C');
    // Finish with a step budget a little past where the run stands.
    const envSteps = Number(loadCheckpoint(out).trainer.envSteps);
    const last = start(args(['--steps', String(envSteps + 200)], true));
    assert.equal(await last.exited, 0, last.stderr());
    assert.ok(check(out, 'at the end') > saved);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
