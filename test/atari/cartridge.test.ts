import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Cartridge, detectCartridgeType } from '../../lib/atari/cartridge';
import { needShared } from '../helpers';

/** A ROM whose every byte tells its bank: byte = bank * 16 + (offset & 15), made not to look like a Superchip. */
function bankedRom(banks: number): Uint8Array {
  const rom = new Uint8Array(banks * 4096);
  for (let i = 0; i < rom.length; i++) rom[i] = ((i >> 12) << 4) | (i & 15);
  return rom;
}

test('type detection from size and contents', () => {
  assert.equal(detectCartridgeType(bankedRom(1).subarray(0, 2048)), '2K');
  const four = bankedRom(1);
  four[3000] ^= 0xff; // halves differ
  assert.equal(detectCartridgeType(four), '4K');
  assert.equal(detectCartridgeType(bankedRom(1)), '2K', 'a 4K image made of two equal halves is a 2K cartridge');
  assert.equal(detectCartridgeType(bankedRom(2)), 'F8');
  assert.equal(detectCartridgeType(bankedRom(4)), 'F6');
  assert.equal(detectCartridgeType(bankedRom(8)), 'F4');
  const mirrored = new Uint8Array(8192);
  mirrored.set(four);
  mirrored.set(four, 4096);
  assert.equal(detectCartridgeType(mirrored), '4K');
  assert.throws(() => detectCartridgeType(new Uint8Array(8192)), /F8SC/);
  assert.throws(() => detectCartridgeType(new Uint8Array(1000)), /1000-byte file is not an Atari 2600 ROM/);
  const e0 = bankedRom(2);
  e0.set([0x8d, 0xe0, 0x1f], 300);
  assert.throws(() => detectCartridgeType(e0), /E0/);
});

test('F8: reset bank 1, hotspots 0x1FF8/0x1FF9 switch on read and on write', () => {
  const cart = new Cartridge(bankedRom(2));
  assert.equal(cart.type, 'F8');
  assert.equal(cart.bank, 1);
  assert.equal(cart.read(0x1003), 0x13);
  assert.equal(cart.read(0x1ff8), 0x08, 'the read returns the byte of the new bank');
  assert.equal(cart.bank, 0);
  assert.equal(cart.read(0xf003), 0x03, 'only the low 12 bits matter');
  cart.write(0x1ff9, 0);
  assert.equal(cart.bank, 1);
  cart.write(0x1ff7, 0);
  assert.equal(cart.bank, 1, '0x1FF7 is not an F8 hotspot');
  cart.read(0x1ff8);
  cart.reset();
  assert.equal(cart.bank, 1);
});

test('F6 and F4: hotspot k selects bank k, reset bank 0', () => {
  const f6 = new Cartridge(bankedRom(4));
  assert.equal(f6.bank, 0);
  for (let k = 0; k < 4; k++) {
    f6.read(0x1ff6 + k);
    assert.equal(f6.bank, k);
    assert.equal(f6.read(0x1100), k << 4);
  }
  f6.read(0x1ffa);
  assert.equal(f6.bank, 3);
  const f4 = new Cartridge(bankedRom(8));
  assert.equal(f4.bank, 0);
  for (let k = 7; k >= 0; k--) {
    f4.write(0x1ff4 + k, 0);
    assert.equal(f4.bank, k);
  }
  f4.read(0x1ffc);
  assert.equal(f4.bank, 0);
});

test('2K mirrors its image; 4K maps it once; writes are ignored', () => {
  const two = new Cartridge(bankedRom(1).subarray(0, 2048));
  assert.equal(two.read(0x1805), two.read(0x1005));
  two.write(0x1005, 0xff);
  assert.equal(two.read(0x1005), 0x05);
  const fourK = new Cartridge(bankedRom(1), { type: '4K' });
  assert.equal(fourK.bankCount, 1);
  assert.equal(fourK.read(0x1ff8), 0x08);
});

test('type and reset bank can be overridden; bad overrides are explained', () => {
  const cart = new Cartridge(bankedRom(2), { resetBank: 0 });
  assert.equal(cart.bank, 0);
  assert.throws(() => new Cartridge(bankedRom(2), { resetBank: 2 }), /resetBank must be an integer in 0..1/);
  assert.throws(() => new Cartridge(bankedRom(1), { type: 'F8' }), /needs 8192 bytes/);
  const forced = new Cartridge(bankedRom(2), { type: '4K' });
  assert.equal(forced.read(0x1ff9), 0x09);
});

test('bank state save/restore', () => {
  const a = new Cartridge(bankedRom(4));
  a.read(0x1ff8);
  const b = new Cartridge(bankedRom(4));
  b.loadState(a.saveState());
  assert.equal(b.bank, 2);
});

test('the shared ROMs are detected as ALE detects them', (t) => {
  const expected: Record<string, string> = { 'kung_fu_master.bin': 'F8', 'kangaroo.bin': 'F8', 'breakout.bin': '2K', 'pong.bin': '2K' };
  for (const [file, type] of Object.entries(expected)) {
    const path = needShared(t, 'roms', file);
    if (!path) return;
    assert.equal(new Cartridge(readFileSync(path)).type, type, file);
  }
});
