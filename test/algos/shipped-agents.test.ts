// The PPO agents shipped in checkpoints/ (bench/RESULTS.md, "Kangaroo, third and fourth attempts" and
// "Kung-Fu Master with PPO"): each is sealed, restorable into the network it was trained with, and plays
// far above chance on a few fixed games, through the library's evaluateCheckpoint (the games of
// `gradient-dojo eval --seed S`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluateCheckpoint } from '../../lib/algos/registry';
import { needShared } from '../helpers';

interface Shipped {
  folder: string;
  rom: string;
  envId: string;
  trunk: string;
  obsShape: number[];
  hidden: number;
  /** Games `seed`, `seed + 1`, ...: seeds used nowhere else. */
  games: number;
  seed: number;
  /** The agent's mean must reach this: far above an untrained network of the same shape on the same games. */
  atLeast: number;
  /** What the agent and an untrained network scored on those games when the agent was shipped. */
  measured: string;
}

const SHIPPED: Shipped[] = [
  {
    folder: 'kangaroo_ppo',
    rom: 'kangaroo.bin',
    envId: 'Preprocessed84/KangarooDeterministic-v0',
    trunk: 'mnih2013',
    obsShape: [84, 84, 4],
    hidden: 256,
    games: 5,
    seed: 777_000,
    atLeast: 800,
    measured: 'the agent 1,800, 2,000, 1,000, 1,200 and 2,200 (mean 1,640); an untrained network of the same shape 80',
  },
  {
    folder: 'kung_fu_master_ppo',
    rom: 'kung_fu_master.bin',
    envId: 'Preprocessed42Crop/KungFuMasterDeterministic-v0',
    trunk: 'lesson',
    obsShape: [42, 42, 4],
    hidden: 256,
    games: 3,
    seed: 778_000,
    atLeast: 8_000,
    measured: 'the agent 22,800, 22,600 and 21,600; an untrained network 200, 500 and 600',
  },
];

for (const s of SHIPPED) {
  const dir = resolve(__dirname, '..', '..', 'checkpoints', s.folder);

  test(`checkpoints/${s.folder} is a sealed PPO agent of its network`, () => {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    assert.equal(state.snapshot.algo, 'ppo');
    assert.equal(state.snapshot.config.envId, s.envId);
    assert.equal(state.snapshot.config.trunk ?? 'lesson', s.trunk);
    assert.match(state.checksum?.arrays ?? '', /^[0-9a-f]{8}$/);
    assert.deepEqual(state.snapshot.network.obsShape, s.obsShape);
    assert.equal(state.snapshot.network.hidden, s.hidden);
    assert.equal(state.snapshot.network.nActions, s.rom === 'kangaroo.bin' ? 18 : 14);
  });

  test(`checkpoints/${s.folder} scores far above chance in ${s.games} fixed games`, async (t) => {
    if (!needShared(t, 'roms', s.rom)) return;
    const ev = await evaluateCheckpoint(dir, { episodes: s.games, seed: s.seed });
    assert.ok(ev.mean >= s.atLeast, `mean ${ev.mean} over ${s.games} games (${ev.returns.join(', ')}); when shipped: ${s.measured}`);
  });
}
