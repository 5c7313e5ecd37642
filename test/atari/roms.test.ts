import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRom, findRom } from '../../lib/atari/roms';
import { getGame, GAMES, gameForMd5 } from '../../lib/atari/games';
import { needShared } from '../helpers';

function withRomsDir<T>(fill: (dir: string) => void, body: () => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'roms-'));
  const before = process.env.GRADIENT_DOJO_ROMS;
  try {
    fill(dir);
    process.env.GRADIENT_DOJO_ROMS = dir;
    return body();
  } finally {
    if (before === undefined) delete process.env.GRADIENT_DOJO_ROMS;
    else process.env.GRADIENT_DOJO_ROMS = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('game registry: names, md5 lookup, clear error for unknown games', () => {
  assert.equal(getGame('KungFuMaster').id, 'kung_fu_master');
  assert.equal(getGame('pong').gymName, 'Pong');
  assert.equal(gameForMd5('0b4e793c9425175498f5a65a3e960086')?.id, 'kung_fu_master');
  assert.equal(gameForMd5('5b92a93b23523ff16e2789b820e2a4c5')?.id, 'kung_fu_master');
  assert.throws(() => getGame('KungFuMastr'), /Did you mean 'KungFuMaster'/);
  assert.equal(GAMES.length, 4);
});

test('the shared ROMs load by name and are identified', (t) => {
  if (!needShared(t, 'roms', 'pong.bin')) return;
  const before = process.env.GRADIENT_DOJO_ROMS;
  delete process.env.GRADIENT_DOJO_ROMS;
  try {
    for (const g of GAMES) {
      const rom = loadRom(g.id);
      assert.equal(rom.game, g);
    }
    assert.equal(loadRom('kung_fu_master').release, 'Kung Fu Master (CCE)');
    assert.equal(loadRom('pong').release, null);
  } finally {
    if (before !== undefined) process.env.GRADIENT_DOJO_ROMS = before;
  }
});

test('GRADIENT_DOJO_ROMS comes first; missing ROM, wrong size and unknown md5 give clear errors', (t) => {
  const pong = needShared(t, 'roms', 'pong.bin');
  if (!pong) return;
  withRomsDir(
    (dir) => copyFileSync(pong, join(dir, 'pong.bin')),
    () => assert.ok(findRom('pong').startsWith(process.env.GRADIENT_DOJO_ROMS!)),
  );
  withRomsDir(
    (dir) => writeFileSync(join(dir, 'x.bin'), new Uint8Array(1234)),
    () => assert.throws(() => loadRom(join(process.env.GRADIENT_DOJO_ROMS!, 'x.bin')), /1234 bytes.*ale-py/s),
  );
  withRomsDir(
    (dir) => writeFileSync(join(dir, 'odd.bin'), new Uint8Array(2048).fill(7)),
    () => assert.throws(() => loadRom(join(process.env.GRADIENT_DOJO_ROMS!, 'odd.bin')), /not a ROM of any supported game/),
  );
  withRomsDir(
    (dir) => copyFileSync(pong, join(dir, 'breakout.bin')),
    () => assert.throws(() => loadRom('breakout'), /the ROM of 'pong'/),
  );
  assert.throws(() => loadRom('/nonexistent/dir/kangaroo.bin'), /does not exist.*ale-py/s);
});
