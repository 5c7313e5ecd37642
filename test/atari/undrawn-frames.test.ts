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
import { loadRom } from '../../lib/atari/roms';
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
