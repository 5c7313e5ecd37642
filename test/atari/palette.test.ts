import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PALETTE_R, PALETTE_G, PALETTE_B, PALETTE_GRAY, screenToRgb, screenToGrayscale } from '../../lib/atari/palette';
import { needShared } from '../helpers';

test('palette matches ALE (all 128 NTSC colours and their grey values)', (t) => {
  const path = needShared(t, 'reference', 'ale', 'palette.json');
  if (!path) return;
  const entries = JSON.parse(readFileSync(path, 'utf8')).entries as Array<{ index: number; rgb: number[]; gray: number }>;
  assert.equal(entries.length, 128);
  for (const e of entries) {
    assert.deepEqual([PALETTE_R[e.index], PALETTE_G[e.index], PALETTE_B[e.index]], e.rgb, `colour ${e.index}`);
    assert.equal(PALETTE_GRAY[e.index], e.gray, `grey ${e.index}`);
  }
});

test('screen conversions reproduce the RGB and grey dumps of a reference screen', (t) => {
  const dir = needShared(t, 'reference', 'ale');
  if (!dir) return;
  for (const c of ['kung_fu_master_seed1_6000', 'pong_seed1_6000']) {
    for (const n of [0, 100]) {
      const screen = readFileSync(`${dir}/${c}.screen.${n}.bin`);
      assert.ok(Buffer.from(screenToRgb(screen)).equals(readFileSync(`${dir}/${c}.rgb.${n}.bin`)), `${c} rgb ${n}`);
      assert.ok(Buffer.from(screenToGrayscale(screen)).equals(readFileSync(`${dir}/${c}.gray.${n}.bin`)), `${c} gray ${n}`);
    }
  }
});

test('grey conversion gives every palette value its grey level, word-aligned or not, any length', () => {
  const all = new Uint8Array(259);
  for (let i = 0; i < all.length; i++) all[i] = (i * 37) & 0xff;
  const expected = Array.from(all, (c) => PALETTE_GRAY[c]);
  assert.deepEqual(Array.from(screenToGrayscale(all)), expected);
  const backing = new Uint8Array(all.length + 1);
  backing.set(all, 1);
  const unaligned = backing.subarray(1);
  const out = new Uint8Array(all.length + 3).subarray(3);
  assert.deepEqual(Array.from(screenToGrayscale(unaligned, out)), expected);
});
