import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needShared } from '../helpers';
import { type AtariEnv, EpisodicLife, make, SyncVectorEnv } from '../../lib/envs';
import { Rng } from '../../lib/util/rng';

const ID = 'KungFuMasterDeterministic-v0';

test('EpisodicLife: a lost life ends the episode, reset continues the game, game over restarts it', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const env = new EpisodicLife(make<Uint8Array>(ID));
  const game = env.unwrapped as AtariEnv;
  const twin = make<Uint8Array>(ID); // the same game without the wrapper, stepped alongside
  env.reset({ seed: 3 });
  twin.reset({ seed: 3 });
  const startLives = game.lives();
  assert.ok(startLives > 1, `Kung-Fu Master starts with several lives (got ${startLives})`);
  const rng = new Rng(5);
  let lifeEnds = 0;
  let over = false;
  for (let s = 0; s < 40_000 && !over; s++) {
    const a = rng.int(14);
    const r = env.step(a);
    const w = twin.step(a);
    assert.deepEqual(r.obs, w.obs, `step ${s}: the wrapper does not change the game`);
    assert.equal(r.reward, w.reward);
    if (r.info.lifeLost) {
      assert.equal(r.terminated, true, 'a lost life is reported as terminated');
      assert.equal(w.terminated, false, 'while the game itself goes on');
      lifeEnds++;
      const next = env.reset();
      const w2 = twin.step(0); // the continuation: one NOOP step
      assert.deepEqual(next.obs, w2.obs, 'reset after a lost life continues the game with a NOOP step');
      assert.ok((next.info.episodeFrameNumber as number) > 0, 'no new game was started');
    } else if (r.terminated || r.truncated) {
      assert.equal(w.terminated || w.truncated, true, 'only the real end of the game ends it without lifeLost');
      over = true;
    }
  }
  assert.ok(over, 'random play reaches game over');
  assert.equal(lifeEnds, startLives - 1, 'every life but the last ended an episode of its own');
  const fresh = env.reset();
  assert.equal(game.lives(), startLives, 'after game over, reset starts a new game');
  assert.equal(fresh.info.episodeFrameNumber, 0);
});

test('EpisodicLife in a SyncVectorEnv: terminated at each lost life, one whole-game return per game', (t) => {
  if (!needShared(t, 'roms', 'kung_fu_master.bin')) return;
  const batch = new SyncVectorEnv([new EpisodicLife(make<Uint8Array>(ID))]);
  batch.reset(11);
  const rng = new Rng(2);
  let terminations = 0,
    sum = 0;
  let finished: number | null = null;
  for (let s = 0; s < 40_000 && finished === null; s++) {
    const st = batch.step([rng.int(14)]);
    sum += st.rewards[0];
    if (st.terminated[0]) terminations++;
    if (st.episodes.length) finished = st.episodes[0].return;
  }
  assert.notEqual(finished, null, 'a whole game finished');
  assert.ok(terminations >= 2, `lost lives were reported as terminated steps (${terminations} terminations)`);
  assert.equal(finished, sum, 'the reported return adds up the rewards of every life');
});
