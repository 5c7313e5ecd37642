/**
 * Frames nobody looks at are run without drawing (AleInterface.act with frame skip > 1, or
 * `render: false`). These tests play every supported game three ways -- ALE frame skip 4, frame
 * skip 1 drawing every frame, and frame skip 1 with `render: false` on three acts of four -- and
 * require identical screens, RAM, rewards, lives and episode ends after every step, including
 * episodes that end inside a step (lives lost with truncate_on_loss_of_life, truncation after 999
 * frames; sticky actions on).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AleInterface } from '../../lib/atari/ale';
import { md5Hex } from '../../lib/atari/cartridge';
import type { GameRules, GameSpec } from '../../lib/atari/games';
import { loadRom, type LoadedRom } from '../../lib/atari/roms';
import { Rng } from '../../lib/util/rng';
import { needShared } from '../helpers';

const GAMES = ['kung_fu_master', 'kangaroo', 'pong', 'breakout'];
const STEPS = 500;
const SKIP = 4;

for (const game of GAMES) {
  test(`${game}: frame skip ${SKIP} without drawing unseen frames gives exactly the observations of drawing every frame`, (t) => {
    const path = needShared(t, 'roms', `${game}.bin`);
    if (!path) return;
    const rom = loadRom(path);
    const settings = { repeatActionProbability: 0.25, randomSeed: 3, truncateOnLossOfLife: true, maxNumFramesPerEpisode: 999 };
    const skip4 = new AleInterface(rom, { ...settings, frameSkip: SKIP });
    const every = new AleInterface(rom, { ...settings, frameSkip: 1 });
    const lazy = new AleInterface(rom, { ...settings, frameSkip: 1 });
    const actions = skip4.getMinimalActionSet();
    const rng = new Rng(11);
    let episodes = 0;
    for (let step = 0; step < STEPS; step++) {
      const a = actions[rng.int(actions.length)];
      const r4 = skip4.act(a);
      let r1 = 0;
      let rl = 0;
      for (let k = 0; k < SKIP; k++) {
        r1 += every.act(a);
        rl += lazy.act(a, { render: k === SKIP - 1 });
      }
      const where = `${game}, step ${step}`;
      assert.equal(r4, r1, `${where}: reward`);
      assert.equal(rl, r1, `${where}: reward (render: false)`);
      assert.deepEqual(skip4.getRAM(), every.getRAM(), `${where}: RAM`);
      assert.deepEqual(lazy.getRAM(), every.getRAM(), `${where}: RAM (render: false)`);
      assert.ok(Buffer.from(skip4.screenView).equals(every.screenView), `${where}: screen`);
      assert.ok(Buffer.from(lazy.screenView).equals(every.screenView), `${where}: screen (render: false)`);
      assert.equal(skip4.lives(), every.lives(), `${where}: lives`);
      assert.equal(skip4.getEpisodeFrameNumber(), every.getEpisodeFrameNumber(), `${where}: episode frame`);
      assert.equal(skip4.gameOver(), every.gameOver(), `${where}: game over`);
      assert.equal(lazy.gameOver(), every.gameOver(), `${where}: game over (render: false)`);
      if (every.gameOver()) {
        episodes++;
        skip4.resetGame();
        every.resetGame();
        lazy.resetGame();
      }
    }
    // The games draw their whole picture every frame, so the fast path stays on; episodes that
    // ended inside a step were redrawn.
    assert.equal(skip4.drawingEveryFrame, false, 'frame skip 4 fell back to drawing every frame');
    assert.equal(lazy.drawingEveryFrame, false, 'render: false fell back to drawing every frame');
    assert.ok(episodes > 0, 'no episode ended: the test did not cover episode ends inside a step');
    t.diagnostic(`${episodes} episode ends, ${skip4.screenRedraws} redraws`);
  });
}

test('a step that ends the episode on an undrawn frame shows that frame', (t) => {
  const path = needShared(t, 'roms', 'kung_fu_master.bin');
  if (!path) return;
  const rom = loadRom(path);
  // Truncation after 61 frames: the 16th step of 4 frames ends after its first frame.
  const settings = { repeatActionProbability: 0, maxNumFramesPerEpisode: 61 };
  const skip4 = new AleInterface(rom, { ...settings, frameSkip: 4 });
  const every = new AleInterface(rom, { ...settings, frameSkip: 1 });
  for (let step = 0; step < 16; step++) {
    skip4.act(3);
    for (let k = 0; k < 4; k++) every.act(3);
  }
  assert.equal(skip4.getEpisodeFrameNumber(), 61);
  assert.equal(every.getEpisodeFrameNumber(), 61);
  assert.ok(skip4.gameOver());
  assert.ok(Buffer.from(skip4.screenView).equals(every.screenView));
  assert.equal(skip4.screenRedraws, 1);
});

/**
 * A 4K test program whose frames are 258 lines long, and 153 lines every `shortEvery`-th one, with a new
 * background colour every frame. A short frame leaves the bottom of the 210-line window undrawn, so
 * there Stella shows what that frame buffer held two frames before: frames run without drawing must
 * then be replayed with drawing to give the same screen.
 */
function shortFrameRom(shortEvery = 3): LoadedRom {
  const program = [
    0x78,
    0xd8,
    0xa2,
    0xff,
    0x9a,
    0xa9,
    0x00,
    0x85,
    0x80,
    0x85,
    0x81, // SEI CLD LDX #FF TXS; $80 = $81 = 0
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
    0x00, // F00B: VSYNC for 3 lines
    0xe6,
    0x80,
    0xa5,
    0x80,
    0x0a,
    0x85,
    0x09, // INC $80; COLUBK = 2 * $80
    0xa0,
    0xff,
    0xe6,
    0x81,
    0xa5,
    0x81,
    0xc9,
    shortEvery,
    0xd0,
    0x06,
    0xa9,
    0x00,
    0x85,
    0x81,
    0xa0,
    0x96, // Y = 255, or 150 every shortEvery-th frame
    0x85,
    0x02,
    0x88,
    0xd0,
    0xfb, // F030: WSYNC; DEY; BNE F030
    0x4c,
    0x0b,
    0xf0, // JMP F00B
  ];
  const bytes = new Uint8Array(4096);
  bytes.set(program);
  bytes[0xffc] = 0x00;
  bytes[0xffd] = 0xf0;
  const rules: GameRules = {
    step: () => {},
    reset: () => {},
    reward: 0,
    terminal: false,
    lives: () => 0,
    saveState: () => [],
    loadState: () => {},
  };
  const game: GameSpec = {
    id: 'short_frames_test',
    gymName: 'ShortFramesTest',
    title: 'short frames (test program)',
    md5: md5Hex(bytes),
    otherMd5: [],
    minimalActions: [0],
    modes: [0],
    defaultMode: 0,
    difficulties: [0],
    controller: 'joystick',
    rightController: 'joystick',
    swapPaddles: false,
    createRules: () => rules,
  };
  return { path: '(test program)', bytes, md5: game.md5, game, release: null };
}

test('a game that does not draw its whole picture every frame: undrawn frames are replayed, screens stay exact', () => {
  const rom = shortFrameRom();
  const skip4 = new AleInterface(rom, { repeatActionProbability: 0, frameSkip: 4 });
  const every = new AleInterface(rom, { repeatActionProbability: 0, frameSkip: 1 });
  const lazy = new AleInterface(rom, { repeatActionProbability: 0, frameSkip: 1 });
  let differsFromDrawingAlone = 0;
  for (let step = 0; step < 60; step++) {
    skip4.act(0);
    for (let k = 0; k < 4; k++) {
      every.act(0);
      lazy.act(0, { render: k === 3 });
    }
    assert.ok(Buffer.from(skip4.screenView).equals(every.screenView), `step ${step}: screen (frame skip 4)`);
    assert.ok(Buffer.from(lazy.screenView).equals(every.screenView), `step ${step}: screen (render: false)`);
    // The bottom rows (below line 153 - 34) hold an older frame's colour on short frames.
    if (every.screenView[200 * 160] !== every.screenView[0]) differsFromDrawingAlone++;
  }
  assert.ok(differsFromDrawingAlone > 0, 'the program never showed an older frame in the undrawn rows');
  assert.ok(skip4.screenRedraws > 0, 'no replay happened');
  assert.ok(lazy.screenRedraws > 0, 'no replay happened (render: false)');
});

test('a game whose frames are never drawn in full is drawn every frame, with no replays', () => {
  const ale = new AleInterface(shortFrameRom(1), { repeatActionProbability: 0, frameSkip: 4 });
  for (let step = 0; step < 20; step++) ale.act(0);
  assert.equal(ale.drawingEveryFrame, true);
  const redraws = ale.screenRedraws;
  for (let step = 0; step < 20; step++) ale.act(0);
  assert.equal(ale.screenRedraws, redraws, 'drawing every frame needs no replays');
});
