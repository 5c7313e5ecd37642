import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tia, MAX_RESISTANCE } from '../../lib/atari/tia';

/**
 * The TIA alone, driven by a stand-in CPU: registers are written at chosen CPU cycles and the
 * pixels and collision latches that come out are checked. Display window: scanlines 0..19, so line
 * L pixel x is drawn at colour clock 228 L + 68 + x (cycle = clock / 3).
 */
class FakeCpu {
  cycles = 0;
  lastAccessWasRead = true;
  stops = 0;
  stop(): void {
    this.stops++;
  }
}

const COLUP0 = 0x06,
  COLUP1 = 0x07,
  COLUPF = 0x08,
  COLUBK = 0x09,
  CTRLPF = 0x0a,
  PF0 = 0x0d;
const NUSIZ0 = 0x04,
  RESP0 = 0x10,
  GRP0 = 0x1b,
  HMP0 = 0x20,
  HMOVE = 0x2a,
  CXCLR = 0x2c;
const VSYNC = 0x00,
  VBLANK = 0x01,
  WSYNC = 0x02,
  CXP0FB = 0x02,
  INPT0 = 0x08,
  INPT4 = 0x0c;

function setup(): { cpu: FakeCpu; tia: Tia; w: (cycle: number, reg: number, value: number) => void; line: (l: number) => number[] } {
  const cpu = new FakeCpu();
  const tia = new Tia(cpu, { yStart: 0, height: 20 });
  tia.reset();
  tia.beginUpdate(); // a new frame: the cycle counter restarts at 0
  const w = (cycle: number, reg: number, value: number): void => {
    cpu.cycles = cycle;
    tia.write(reg, value);
  };
  // Reading a collision register draws everything up to the current clock.
  const line = (l: number): number[] => {
    cpu.cycles = Math.max(cpu.cycles, 76 * (l + 1));
    tia.read(0x00, 0);
    return Array.from(tia.screen.subarray(l * 160, l * 160 + 160));
  };
  return { cpu, tia, w, line };
}

test('background colour fills the line; VBLANK draws black', () => {
  const { w, line } = setup();
  w(0, COLUBK, 0x1e);
  assert.deepEqual(line(0), new Array(160).fill(0x1e));
  w(76, VBLANK, 0x02);
  assert.deepEqual(line(1), new Array(160).fill(0));
});

test('playfield: PF0 bit 4 covers pixels 0-3, repeated or reflected on the right half', () => {
  const { w, line } = setup();
  w(0, COLUBK, 0x02);
  w(0, COLUPF, 0x44);
  w(0, PF0, 0x10);
  const l0 = line(0);
  assert.deepEqual(l0.slice(0, 5), [0x44, 0x44, 0x44, 0x44, 0x02]);
  assert.deepEqual(l0.slice(79, 85), [0x02, 0x44, 0x44, 0x44, 0x44, 0x02]);
  assert.equal(l0[159], 0x02);
  w(76, CTRLPF, 0x01); // reflect, written during horizontal blank: applies to this line
  const l1 = line(1);
  assert.deepEqual(l1.slice(155, 160), [0x02, 0x44, 0x44, 0x44, 0x44]);
  assert.equal(l1[80], 0x02);
});

test('score mode colours the playfield with the player colours', () => {
  const { w, line } = setup();
  w(0, COLUP0, 0x1a);
  w(0, COLUP1, 0x2c);
  w(0, COLUPF, 0x44);
  w(0, CTRLPF, 0x02);
  w(0, PF0, 0x10);
  const l = line(0);
  assert.equal(l[0], 0x1a);
  assert.equal(l[80], 0x2c);
});

test('RESP0 during the line: the player appears from the next line at (clock - 68 + 5)', () => {
  const { w, line } = setup();
  w(0, COLUP0, 0x88);
  w(0, GRP0, 0x80);
  w(30, RESP0, 0); // colour clock 90: position 90 - 68 + 5 = 27
  const l0 = line(0);
  // Before the reset the player (power-on position 0) was drawn at pixel 0; after it, Stella skips
  // the copy at the new position for the rest of this line.
  assert.deepEqual(
    l0.flatMap((p, x) => (p ? [x] : [])),
    [0],
  );
  const l1 = line(1);
  assert.equal(l1[27], 0x88);
  assert.equal(l1.filter((p) => p !== 0).length, 1);
});

test('NUSIZ two close copies and reflection', () => {
  const { w, line } = setup();
  w(0, COLUP0, 0x88);
  w(0, GRP0, 0xc0);
  w(0, NUSIZ0, 0x01);
  w(30, RESP0, 0);
  const l1 = line(1);
  const lit = l1.flatMap((p, x) => (p ? [x] : []));
  assert.deepEqual(lit, [27, 28, 43, 44]);
  w(76 * 2, 0x0b, 0x08); // REFP0: the graphics are shown mirrored
  const l2 = line(2);
  assert.deepEqual(
    l2.flatMap((p, x) => (p ? [x] : [])),
    [33, 34, 49, 50],
  );
});

test('collision latch P0-playfield is set where they overlap and cleared by CXCLR', () => {
  const { w, line, tia } = setup();
  w(0, PF0, 0xf0);
  w(0, GRP0, 0xff);
  w(1, RESP0, 0); // in horizontal blank: position 3
  assert.equal(tia.read(CXP0FB, 0), 0x00);
  line(0);
  assert.equal(tia.read(CXP0FB, 0), 0x80);
  w(80, CXCLR, 0);
  assert.equal(tia.read(CXP0FB, 0), 0x00);
});

test('HMOVE early in the line blanks the first 8 pixels and moves objects', () => {
  const { w, line } = setup();
  w(0, COLUBK, 0x1e);
  w(0, COLUP0, 0x88);
  w(0, GRP0, 0x80);
  w(30, RESP0, 0); // position 27
  w(30, HMP0, 0x10); // one pixel left
  w(76, HMOVE, 0);
  const l1 = line(1);
  assert.deepEqual(l1.slice(0, 9), [0, 0, 0, 0, 0, 0, 0, 0, 0x1e]);
  assert.equal(l1[26], 0x88);
  assert.equal(l1[27], 0x1e);
});

test('WSYNC halts to the end of the line only when the previous access was a read', () => {
  const { cpu, tia } = setup();
  cpu.cycles = 10;
  cpu.lastAccessWasRead = false;
  tia.write(WSYNC, 0);
  assert.equal(cpu.cycles, 10);
  cpu.lastAccessWasRead = true;
  tia.write(WSYNC, 0);
  assert.equal(cpu.cycles, 76);
  tia.write(WSYNC, 0); // already at a line start: no halt
  assert.equal(cpu.cycles, 76);
});

test('VSYNC ends the frame when cleared at least one scanline after it was set', () => {
  const { cpu, tia, w } = setup();
  w(100, VSYNC, 0x02);
  w(150, VSYNC, 0x00);
  assert.equal(cpu.stops, 0);
  assert.equal(tia.partialFrame, 1);
  w(160, VSYNC, 0x02);
  w(236, VSYNC, 0x00);
  assert.equal(cpu.stops, 1);
  assert.equal(tia.partialFrame, 0);
});

test('fire button and undriven bits from the data bus', () => {
  const { tia } = setup();
  assert.equal(tia.read(INPT4, 0xff), 0xbf);
  tia.fire4 = 1;
  assert.equal(tia.read(INPT4, 0xff), 0x3f);
  assert.equal(tia.read(INPT4, 0x15), 0x15);
});

test('paddle pot charges trunc(1.6 r 1e-8 1.19e6) cycles after the dump is released', () => {
  const { tia, w, cpu } = setup();
  tia.potResistance[0] = 408823; // needs trunc(7783.99...) = 7783 cycles
  w(50, VBLANK, 0x80);
  cpu.cycles = 60;
  assert.equal(tia.read(INPT0, 0), 0x00, 'dumped to ground');
  w(100, VBLANK, 0x00);
  cpu.cycles = 100 + 7783;
  assert.equal(tia.read(INPT0, 0), 0x00);
  cpu.cycles = 100 + 7784;
  assert.equal(tia.read(INPT0, 0), 0x80);
  tia.potResistance[1] = MAX_RESISTANCE;
  assert.equal(tia.read(INPT0 + 1, 0), 0x00, 'nothing connected');
});

test('saveState/loadState restore the TIA exactly', () => {
  const a = setup();
  a.w(0, COLUBK, 0x1e);
  a.w(0, GRP0, 0x80);
  a.w(30, RESP0, 0);
  a.line(1);
  const state = new Uint8Array(a.tia.stateSize);
  a.tia.saveState(state, 0);
  const b = setup();
  b.tia.loadState(state, 0);
  b.cpu.cycles = a.cpu.cycles;
  assert.deepEqual(b.line(3), a.line(3));
  assert.deepEqual(Array.from(b.tia.screen), Array.from(a.tia.screen));
});

test("a dump released in an earlier frame reads as not charged (Stella's signed + unsigned cycle sum wraps)", () => {
  const { tia, w, cpu } = setup();
  tia.potResistance[0] = 408823; // 7783 cycles
  w(50, VBLANK, 0x80);
  w(100, VBLANK, 0x00);
  cpu.cycles = 100 + 7784;
  assert.equal(tia.read(INPT0, 0), 0x80);
  w(8000, VSYNC, 0x02);
  w(8100, VSYNC, 0x00); // frame ends
  tia.endUpdate();
  cpu.cycles = 20000;
  tia.beginUpdate(); // the next frame: the cycle counter restarts, the release cycle becomes 100 - 20000
  assert.equal(cpu.cycles, 0);
  cpu.cycles = 10;
  assert.equal(tia.read(INPT0, 0), 0x00);
  cpu.cycles = 19000;
  assert.equal(tia.read(INPT0, 0), 0x00);
});
