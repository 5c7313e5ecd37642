import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AleInterface } from '../../lib/atari/ale';
import { loadRom } from '../../lib/atari/roms';
import { Mt19937 } from '../../lib/util/rng';
import { needShared } from '../helpers';

function rom(t: Parameters<typeof needShared>[0], game: string) {
  const p = needShared(t, 'roms', `${game}.bin`);
  return p ? loadRom(p) : null;
}

test('illegal actions are rejected with a clear message', (t) => {
  const r = rom(t, 'pong');
  if (!r) return;
  const ale = new AleInterface(r, { repeatActionProbability: 0 });
  assert.throws(() => ale.act(18), /Illegal action 18: legal ALE actions are the integers 0..17/);
  assert.throws(() => ale.act(1.5), /Illegal action/);
  assert.throws(() => new AleInterface(r, { mode: 3 }), /Mode 3 does not exist for pong/);
  assert.throws(() => new AleInterface(r, { frameSkip: 0 }), /frameSkip must be an integer >= 1/);
});

test('frame skip runs that many frames and sums rewards; counters advance per frame', (t) => {
  const r = rom(t, 'kung_fu_master');
  if (!r) return;
  const one = new AleInterface(r, { repeatActionProbability: 0 });
  const four = new AleInterface(r, { repeatActionProbability: 0, frameSkip: 4 });
  let sum = 0;
  for (let i = 0; i < 40; i++) sum += one.act(3);
  let sum4 = 0;
  for (let i = 0; i < 10; i++) sum4 += four.act(3);
  assert.equal(four.getFrameNumber(), 40);
  assert.equal(four.getEpisodeFrameNumber(), 40);
  assert.deepEqual(four.getRAM(), one.getRAM());
  assert.deepEqual(four.getScreen(), one.getScreen());
  assert.equal(sum4, sum);
});

test('sticky actions: with p=1 the first action (NOOP after reset) sticks forever; two draws per frame', (t) => {
  const r = rom(t, 'kung_fu_master');
  if (!r) return;
  const sticky = new AleInterface(r, { repeatActionProbability: 1 });
  const noop = new AleInterface(r, { repeatActionProbability: 0 });
  for (let i = 0; i < 30; i++) {
    sticky.act(4);
    noop.act(0);
  }
  assert.deepEqual(sticky.getRAM(), noop.getRAM());
  // p = 0.25: frame i uses the new action iff the first of its two draws u = next()/2^32 is >= p.
  const seed = 7;
  const draws = new Mt19937(seed);
  const a = new AleInterface(r, { repeatActionProbability: 0.25, randomSeed: seed });
  const replay = new AleInterface(r, { repeatActionProbability: 0 });
  const acts = [3, 4, 5, 2, 3, 3, 4, 8, 9, 11, 12, 4, 3, 2, 5, 13, 14, 15, 16, 17];
  let previous = 0;
  let kept = 0;
  for (let i = 0; i < 300; i++) {
    const x = acts[(i * 7) % acts.length];
    a.act(x);
    if (draws.nextU32() / 2 ** 32 >= 0.25) previous = x;
    else kept++;
    draws.nextU32();
    replay.act(previous);
  }
  assert.ok(kept > 30, 'some actions were sticky');
  assert.deepEqual(a.getRAM(), replay.getRAM());
  assert.deepEqual(a.getScreen(), replay.getScreen());
});

test('cloneState/restoreState continue exactly (RNG included on request)', (t) => {
  const r = rom(t, 'kangaroo');
  if (!r) return;
  const ale = new AleInterface(r, { repeatActionProbability: 0.25, randomSeed: 3 });
  for (let i = 0; i < 50; i++) ale.act(i % 18);
  const s = ale.cloneState({ includeRng: true });
  const run = (): [string, number, number] => {
    let rew = 0;
    for (let i = 0; i < 100; i++) rew += ale.act((i * 5) % 18);
    return [Buffer.from(ale.getRAM()).toString('hex') + Buffer.from(ale.getScreen()).toString('hex'), rew, ale.getFrameNumber()];
  };
  const first = run();
  ale.restoreState(s);
  assert.equal(ale.getFrameNumber(), 50);
  assert.deepEqual(run(), first);
  assert.throws(() => ale.restoreState({} as never), /expects an object returned by cloneState/);
});

test('truncation at max_num_frames_per_episode; game over stops the frame counters', (t) => {
  const r = rom(t, 'pong');
  if (!r) return;
  const ale = new AleInterface(r, { repeatActionProbability: 0, maxNumFramesPerEpisode: 10 });
  for (let i = 0; i < 9; i++) ale.act(0);
  assert.equal(ale.gameOver(), false);
  ale.act(0);
  assert.equal(ale.gameOver(), true);
  assert.equal(ale.gameTruncated(), true);
  assert.equal(ale.gameOver(false), false);
  assert.equal(ale.act(0), 0);
  assert.equal(ale.getEpisodeFrameNumber(), 10);
  ale.resetGame();
  assert.equal(ale.getEpisodeFrameNumber(), 0);
  assert.equal(ale.getFrameNumber(), 10);
});

test('breakout runs with paddles: FIRE serves, moving changes the paddle, lives start at 5', (t) => {
  const r = rom(t, 'breakout');
  if (!r) return;
  const ale = new AleInterface(r, { repeatActionProbability: 0 });
  assert.equal(ale.lives(), 5);
  assert.deepEqual(ale.getMinimalActionSet(), [0, 1, 3, 4]);
  const before = ale.getScreen();
  for (let i = 0; i < 30; i++) ale.act(3);
  assert.notDeepEqual(ale.getScreen(), before, 'the paddle moved');
  let total = 0;
  let frames = 0;
  while (!ale.gameOver() && frames < 20000) {
    total += ale.act(frames % 50 < 2 ? 1 : frames % 400 < 200 ? 3 : 4);
    frames++;
  }
  assert.ok(ale.gameOver(), 'the game ends when the balls are lost');
  assert.equal(ale.lives(), 0);
  assert.ok(total >= 0);
});
