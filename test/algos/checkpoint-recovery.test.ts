// A save killed between its two renames leaves no checkpoint/, only checkpoint.old-PID and
// checkpoint.tmp-PID: the next load picks the complete copy saved last (verified by its checksums) and
// says so, and the next save clears what dead processes left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reinforce } from '../../lib/algos/reinforce';
import { train } from '../../lib/algos/trainer';
import { ready } from '../../lib/nn';
import { loadCheckpoint, saveCheckpoint, type Snapshot } from '../../lib/runs/checkpoint';

const tmp = () => mkdtempSync(join(tmpdir(), 'dojo-recover-'));

/** The id of a process that has exited (what a killed save leaves in its folder names). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid as number;
}

function snapshot(v: number): Snapshot {
  return { algo: 'reinforce', config: {}, counters: { updates: v }, rngs: {}, arrays: { params: Float32Array.from([v, v]) } };
}

/** Runs `f`, returning what it wrote with console.error. */
function stderrOf(f: () => void): string {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => {
    lines.push(a.join(' '));
  };
  try {
    f();
  } finally {
    console.error = orig;
  }
  return lines.join('\n');
}

test('a load after a save killed between its renames takes the newest complete copy, says so, and the next save clears the leftovers', () => {
  const dir = tmp();
  try {
    const ck = join(dir, 'checkpoint');
    const [p1, p2] = [deadPid(), deadPid()];
    // An older interrupted save's copy (saved long ago), then the last save's: old moved aside, new complete in tmp.
    saveCheckpoint(join(dir, 'scratch'), snapshot(1));
    const state = join(dir, 'scratch', 'state.json');
    writeFileSync(state, readFileSync(state, 'utf8').replace(/"savedAt": "[^"]*"/, '"savedAt": "2000-01-01T00:00:00.000Z"'));
    renameSync(join(dir, 'scratch'), `${ck}.tmp-${p2}`);
    saveCheckpoint(ck, snapshot(2));
    renameSync(ck, `${ck}.old-${p1}`);
    saveCheckpoint(join(dir, 'scratch'), snapshot(3));
    renameSync(join(dir, 'scratch'), `${ck}.tmp-${p1}`);

    let params: number[] = [];
    const said = stderrOf(() => {
      params = Array.from(loadCheckpoint(dir).snapshot.arrays.params);
    });
    assert.deepEqual(params, [3, 3]);
    assert.match(
      said,
      new RegExp(`interrupted mid-swap left no .*checkpoint, but a complete checkpoint in .*checkpoint\\.tmp-${p1}; loading that one`),
    );

    // The next save puts a checkpoint in place and removes what the dead processes left.
    saveCheckpoint(ck, snapshot(4));
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint']);
    assert.deepEqual(Array.from(loadCheckpoint(dir).snapshot.arrays.params), [4, 4]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train --resume after a kill between the renames continues from the recovered copy and leaves one checkpoint', async () => {
  await ready();
  const dir = tmp();
  try {
    const config = { seed: 4, hidden: 8, episodesPerUpdate: 1 };
    const first = new Reinforce(config);
    const r1 = await train(first, { steps: 60, out: dir, progress: 'none' });
    first.dispose();
    const ck = join(dir, 'checkpoint');
    const pid = deadPid();
    renameSync(ck, `${ck}.tmp-${pid}`);
    const second = new Reinforce(config);
    let r2: Awaited<ReturnType<typeof train>> | undefined;
    const said = stderrOf(() => {
      // train() reads the checkpoint synchronously before its first await.
      void train(second, { steps: 120, out: dir, resume: true, progress: 'none' }).then((r) => {
        r2 = r;
      });
    });
    assert.match(said, /interrupted mid-swap/);
    while (!r2) await new Promise((res) => setTimeout(res, 5));
    second.dispose();
    assert.ok(r2.updates > r1.updates, 'continued from the recovered checkpoint');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('checkpoint')),
      ['checkpoint'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
