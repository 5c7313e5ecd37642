import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Atari2600, JOY_UP, JOY_FIRE, JOY_LEFT } from '../../lib/atari/console';
import { Cartridge } from '../../lib/atari/cartridge';
import { AleInterface } from '../../lib/atari/ale';
import { loadRom } from '../../lib/atari/roms';
import { Rng } from '../../lib/util/rng';
import { needShared } from '../helpers';

function rom(t: Parameters<typeof needShared>[0], game: string) {
  const p = needShared(t, 'roms', `${game}.bin`);
  return p ? loadRom(p) : null;
}

/** A 4K cartridge whose program is an endless loop: enough to exercise the bus. */
function idleCartridge(): Cartridge {
  const image = new Uint8Array(4096);
  image.set([0x4c, 0x00, 0xf0], 0); // JMP $F000
  image[0xffc] = 0x00;
  image[0xffd] = 0xf0;
  return new Cartridge(image, { type: '4K' });
}

test('13-bit bus: TIA, RIOT RAM, RIOT I/O, cartridge and their mirrors; the data bus keeps the last value', () => {
  const c = new Atari2600(idleCartridge(), { displayFormat: 'NTSC' });
  c.write(0x0080, 0x12);
  assert.equal(c.ram[0], 0x12);
  c.write(0x01ff, 0x34); // A9 = 0: RAM mirror
  assert.equal(c.ram[0x7f], 0x34);
  assert.equal(c.read(0xe180), 0x12, 'A13-A15 are not connected');
  assert.equal(c.read(0x1000), 0x4c);
  assert.equal(c.read(0xf001), 0x00);
  assert.equal(c.dataBus, 0x00);
  c.setJoystick(0, JOY_UP);
  assert.equal(c.read(0x0280), 0xef, 'SWCHA: up on the left joystick pulls bit 4 low');
  c.setSwitches({ reset: true, select: false, colour: true, leftDifficultyA: false, rightDifficultyA: true });
  assert.equal(c.read(0x0282), 0xbe, 'SWCHB: reset low, colour and right difficulty A high');
  c.write(0x0080, 0x2a); // puts 0x2a on the data bus
  assert.equal(c.read(0x000c), 0x80 | 0x2a, 'INPT4 at 0x0C: button up, low 6 bits from the data bus');
  c.setJoystick(0, JOY_FIRE | JOY_LEFT);
  assert.equal(c.read(0x004c), 0x2a, 'INPT4 mirror at 0x4C: pressed; the bus still holds 0xAA from the last read');
  assert.throws(() => c.setJoystick(2 as 0, 0), /player must be 0 or 1/);
  assert.throws(() => c.setPaddle(0, -5, false), /resistance must be a number/);
});

test('paddles: buttons on SWCHA and pots on INPT0/1, swapped as Stella does for Pong', () => {
  const plain = new Atari2600(idleCartridge(), { displayFormat: 'NTSC', leftController: 'paddles' });
  plain.setPaddle(0, 1000, true);
  assert.equal(plain.read(0x0280) & 0xf0, 0x70, 'paddle 0 button: bit 7');
  assert.equal(plain.tia.potResistance[0], 1000);
  const swapped = new Atari2600(idleCartridge(), {
    displayFormat: 'NTSC',
    leftController: 'paddles',
    rightController: 'paddles',
    swapPaddles: true,
  });
  swapped.setPaddle(0, 1000, true);
  assert.equal(swapped.read(0x0280) & 0xf0, 0xb0, 'swapped: paddle 0 button on bit 6');
  assert.equal(swapped.tia.potResistance[1], 1000, 'swapped: paddle 0 on INPT1');
  assert.equal(swapped.tia.potResistance[0], 0, 'paddle 1 was never set: minimum resistance');
});

/** A 4K program that makes frames of `lines` scanlines: 3 lines of VSYNC, then WSYNC loops. */
function frameCartridge(lines: number): Cartridge {
  const rest = lines - 3;
  const first = Math.min(rest, 255);
  const second = rest - first;
  const code = [
    0xa9,
    0x02,
    0x85,
    0x00, // LDA #2, STA VSYNC
    0x85,
    0x02,
    0x85,
    0x02,
    0x85,
    0x02, // STA WSYNC x3
    0xa9,
    0x00,
    0x85,
    0x00, // LDA #0, STA VSYNC
    0xa2,
    first,
    0x85,
    0x02,
    0xca,
    0xd0,
    0xfb, // LDX #first; STA WSYNC; DEX; BNE
    0xa2,
    second,
    0x85,
    0x02,
    0xca,
    0xd0,
    0xfb, // LDX #second; ...
    0x4c,
    0x00,
    0xf0, // JMP $F000
  ];
  const image = new Uint8Array(4096);
  image.set(code, 0);
  image[0xffc] = 0x00;
  image[0xffd] = 0xf0;
  return new Cartridge(image, { type: '4K' });
}

test('display format detection: 312-line frames make a PAL console with a 250-line screen', () => {
  const pal = new Atari2600(frameCartridge(312));
  assert.equal(pal.pal, true);
  assert.equal(pal.screen.length, 160 * 250);
  pal.runFrame(); // the first frame after the reset ends at the first VSYNC, 3 lines in
  assert.equal(pal.tia.scanlinesLastFrame, 3);
  pal.runFrame();
  assert.equal(pal.tia.scanlinesLastFrame, 312);
  const ntsc = new Atari2600(frameCartridge(262));
  assert.equal(ntsc.pal, false);
  assert.equal(ntsc.screen.length, 160 * 210);
  ntsc.runFrame();
  ntsc.runFrame();
  assert.equal(ntsc.tia.scanlinesLastFrame, 262);
});

test('a program that never ends its frame runs 25000 instructions per runFrame and continues the same frame', () => {
  const c = new Atari2600(idleCartridge(), { displayFormat: 'NTSC' });
  c.runFrame();
  assert.equal(c.tia.partialFrame, 1);
  assert.equal(c.cpu.cycles, 25000 * 3);
  c.runFrame();
  assert.equal(c.cpu.cycles, 2 * 25000 * 3, 'no new frame started: the cycle counter keeps running');
});

function digest(c: Atari2600): string {
  return createHash('sha1').update(c.ram).update(c.screen).digest('hex');
}

for (const game of ['kung_fu_master', 'pong']) {
  test(`${game}: save, run, restore, run again gives identical RAM and screens`, (t) => {
    const r = rom(t, game);
    if (!r) return;
    const c = new Atari2600(new Cartridge(r.bytes), {
      leftController: r.game.controller === 'paddles' ? 'paddles' : 'joystick',
      rightController: r.game.rightController,
      swapPaddles: r.game.swapPaddles,
    });
    const rng = new Rng(7);
    const step = (): void => {
      if (r.game.controller === 'paddles') c.setPaddle(0, 27450 + rng.int(760000), rng.int(2) === 1);
      else c.setJoystick(0, rng.int(32));
      c.runFrame();
    };
    for (let i = 0; i < 150; i++) step();
    const saved = c.saveState();
    const rngState = rng.getState();
    const first: string[] = [];
    for (let i = 0; i < 120; i++) {
      step();
      first.push(digest(c));
    }
    c.loadState(saved);
    rng.setState(rngState);
    const second: string[] = [];
    for (let i = 0; i < 120; i++) {
      step();
      second.push(digest(c));
    }
    assert.deepEqual(second, first);
    assert.deepEqual(c.saveState().length, saved.length);
    assert.throws(() => c.loadState(saved.subarray(0, 100)), /not a state saved by this console/);

    // Into a reused buffer, without the random generator: the frames replay the same, and the
    // generator keeps its own state (a reset after loading draws what it would have drawn).
    const reused = new Uint8Array(c.stateSize);
    assert.equal(c.saveState(reused, { rng: false }), reused);
    rng.setState(rngState);
    const third: string[] = [];
    for (let i = 0; i < 5; i++) {
      step();
      third.push(digest(c));
    }
    const nextDraw = c.rng.getState();
    c.loadState(reused);
    assert.deepEqual(c.rng.getState(), nextDraw);
    rng.setState(rngState);
    for (let i = 0; i < 5; i++) {
      step();
      assert.equal(digest(c), third[i]);
    }
    assert.throws(() => c.saveState(new Uint8Array(10)), /stateSize/);
  });
}

for (const game of ['kung_fu_master', 'kangaroo', 'breakout', 'pong']) {
  test(`${game}: a random policy reaches game over, and resetGame starts a new episode`, (t) => {
    const r = rom(t, game);
    if (!r) return;
    const ale = new AleInterface(r, { repeatActionProbability: 0 });
    const start = { lives: ale.lives(), ram: ale.getRAM() };
    const actions = ale.getMinimalActionSet();
    const rng = new Rng(3);
    let frames = 0;
    while (!ale.gameOver() && frames < 30000) {
      ale.act(actions[rng.int(actions.length)]);
      frames++;
    }
    assert.ok(ale.gameOver(), `${game}: no game over after ${frames} frames`);
    ale.resetGame();
    assert.equal(ale.gameOver(), false);
    assert.equal(ale.lives(), start.lives);
    assert.equal(ale.getEpisodeFrameNumber(), 0);
    for (let i = 0; i < 10; i++) ale.act(0);
    assert.equal(ale.gameOver(), false);
  });
}

test('the TIA and RIOT keep their counters as small integers, never -0 (V8 would box every such field as a double)', (t) => {
  const r = rom(t, 'kung_fu_master');
  if (!r) return;
  const c = new Atari2600(new Cartridge(r.bytes), { displayFormat: 'NTSC' });
  const fields = (o: object) => Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number');
  let alignedStarts = 0;
  for (let frame = 0; frame < 300; frame++) {
    c.runFrame(frame % 4 === 3);
    for (const [name, v] of [...fields(c.tia), ...fields(c.riot)]) {
      assert.ok(Number.isInteger(v) && !Object.is(v, -0), `frame ${frame}: ${name} = ${Object.is(v, -0) ? '-0' : v}`);
    }
    if ((c.tia as unknown as { clockWhenFrameStarted: number }).clockWhenFrameStarted === 0) alignedStarts++;
  }
  assert.ok(alignedStarts > 0, 'no frame started on a scanline boundary: the -0 case was not exercised');
});

test('frames run without pixels set exactly the collision latches drawing sets', (t) => {
  for (const game of ['kung_fu_master', 'kangaroo', 'pong', 'breakout']) {
    const r = rom(t, game);
    if (!r) return;
    const paddles = game === 'pong' || game === 'breakout';
    const options = { displayFormat: 'NTSC' as const, ...(paddles ? { leftController: 'paddles' as const } : {}) };
    const drawn = new Atari2600(new Cartridge(r.bytes), options);
    const undrawn = new Atari2600(new Cartridge(r.bytes), options);
    const latches = (c: Atari2600) => (c.tia as unknown as { collision: number }).collision;
    const rng = new Rng(5);
    let framesWithCollisions = 0;
    for (let frame = 0; frame < 600; frame++) {
      const bits = rng.int(32);
      for (const c of [drawn, undrawn]) c.setJoystick(0, bits);
      drawn.runFrame(true);
      undrawn.runFrame(false);
      assert.equal(latches(undrawn).toString(2), latches(drawn).toString(2), `${game}, frame ${frame}: collision latches`);
      assert.deepEqual(undrawn.ram, drawn.ram, `${game}, frame ${frame}: RAM`);
      if (latches(drawn) !== 0) framesWithCollisions++;
    }
    assert.ok(
      framesWithCollisions > 50,
      `${game}: only ${framesWithCollisions} frames ended with a collision latch set: the check saw too few`,
    );
  }
});

/**
 * A 4K program drawing 263-line frames in background colour X (X counts frames) that halts (JAM)
 * 150 lines into its ninth frame, the second of a group of four after reset: the rest of that
 * frame's window is then greyed out from what the buffer held (drawn before the group), the only
 * write to a frame buffer in frames run without drawing.
 */
function jammingCartridge(): Cartridge {
  const image = new Uint8Array(4096);
  image.set(
    [
      0xa9,
      0x02,
      0x85,
      0x00,
      0x85,
      0x02,
      0x85,
      0x02,
      0x85,
      0x02,
      0xa9,
      0x00,
      0x85,
      0x00, // VSYNC for three lines
      0xe8,
      0x86,
      0x09, // INX; STX COLUBK
      0xa0,
      0x96,
      0x85,
      0x02,
      0x88,
      0xd0,
      0xfb, // 150 lines
      0xe0,
      0x09,
      0xd0,
      0x01,
      0x02, // CPX #9; BNE +1; JAM
      0xa0,
      0x6e,
      0x85,
      0x02,
      0x88,
      0xd0,
      0xfb, // 110 lines
      0x4c,
      0x00,
      0xf0, // JMP $F000
    ],
    0,
  );
  image[0xffc] = 0x00;
  image[0xffd] = 0xf0;
  return new Cartridge(image, { type: '4K' });
}

test('frame buffers preserved instead of saved: the same states as saving them, through kept frames, replays and a greyed-out frame', (t) => {
  const r = rom(t, 'kung_fu_master');
  if (!r) return;
  for (const [name, cart] of [
    ['kung_fu_master', () => new Cartridge(r.bytes)],
    ['jamming program', jammingCartridge],
  ] as const) {
    const saving = new Atari2600(cart(), { displayFormat: 'NTSC' });
    const preserving = new Atari2600(cart(), { displayFormat: 'NTSC' });
    const rng = new Rng(9);
    let kept = 0;
    let replays = 0;
    let jammedBeforeReplay = false;
    for (let group = 0; group < 150; group++) {
      const bits = rng.int(32);
      for (const c of [saving, preserving]) c.setJoystick(0, bits);
      const full = saving.saveState(undefined, { rng: false });
      const lean = preserving.saveState(undefined, { rng: false, frameBuffers: false });
      preserving.tia.preserveFrameBuffers();
      let jammedNow = false;
      for (let f = 0; f < 4; f++) {
        const halted = preserving.cpu.halted;
        saving.runFrame(f === 3);
        preserving.runFrame(f === 3);
        if (f < 3 && !halted && preserving.cpu.halted) jammedNow = true;
      }
      if (preserving.tia.frameDrawnInFull && group % 5 !== 0) {
        preserving.tia.endPreserving(true);
        kept++;
      } else {
        // As the ALE replays a group whose last frame was not drawn in full (and here every fifth group).
        saving.loadState(full);
        preserving.loadState(lean);
        for (let f = 0; f < 4; f++) {
          saving.runFrame(true);
          preserving.runFrame(true);
        }
        replays++;
        if (jammedNow) jammedBeforeReplay = true;
      }
      assert.ok(
        Buffer.from(preserving.saveState()).equals(saving.saveState()),
        `${name}, group ${group}: the whole state, both frame buffers included`,
      );
      assert.ok(Buffer.from(preserving.screen).equals(saving.screen), `${name}, group ${group}: screen`);
    }
    if (name === 'kung_fu_master')
      assert.ok(kept > 100 && replays > 20, `${name}: ${kept} groups kept their drawn frame, ${replays} were replayed`);
    else assert.ok(jammedBeforeReplay, 'the program did not halt in an undrawn frame of a replayed group');
  }
  assert.throws(
    () =>
      new Atari2600(jammingCartridge(), { displayFormat: 'NTSC' }).loadState(
        new Atari2600(jammingCartridge(), { displayFormat: 'NTSC' }).saveState(undefined, { frameBuffers: false }),
      ),
    /needs them preserved/,
  );
});
