import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared } from '../helpers';
import { parseEpisodes, replayEpisode } from '../../lib/envs/cartpole-replay';
import { make, CartPoleEnv } from '../../lib/envs';

function loadReference(t: TestContext) {
  const file = needShared(t, 'reference', 'cartpole', 'cartpole_reference.json');
  return file ? parseEpisodes(JSON.parse(readFileSync(file, 'utf8'))) : null;
}

test('recorded Gymnasium CartPole episodes replay exactly (float32 obs, reward, flags), all 12 in full', (t) => {
  const episodes = loadReference(t);
  if (!episodes) return;
  assert.equal(episodes.length, 12);
  for (let i = 0; i < episodes.length; i++) {
    const r = replayEpisode(episodes[i], i);
    assert.equal(
      r.mismatch,
      null,
      `episode ${i} (${episodes[i].env_id}, ${episodes[i].policy}, ${r.steps} steps): ${JSON.stringify(r.mismatch)}`,
    );
  }
});

// The reference was recorded with numpy's AVX-512 sine and cosine. The long balancing episodes amplify a
// last-bit difference in cos(theta) about a millionfold, so with Math.cos/Math.sin (correctly rounded on
// these inputs, as glibc is) they separate after 144 to 182 steps: the replay really tests the numerics.
test('with Math.sin/Math.cos the long balancing episodes separate from the recording', (t) => {
  const episodes = loadReference(t);
  if (!episodes) return;
  const first: number[] = [];
  for (const ep of episodes.filter((e) => e.policy === 'balance')) {
    const env = make(ep.env_id, { trig: 'math' });
    env.reset({ options: { state: ep.initial_state } });
    first.push(ep.steps.findIndex((st) => !Array.from(env.step(st.a).obs).every((v, k) => v === Math.fround(st.obs[k]))));
  }
  assert.equal(first.length, 4);
  assert.ok(
    first.every((s) => s > 100),
    `separated early or never: ${first}`,
  );
});

test('the replay reports the first mismatching step and field', () => {
  const ep = {
    env_id: 'CartPole-v1',
    initial_state: [0, 0, 0, 0],
    steps: [{ a: 1, obs: [0, 0.2, 0, -0.3], r: 1, terminated: false, truncated: false }],
  };
  const good = replayEpisode(ep);
  assert.equal(good.mismatch?.field, 'obs[1]');
  const env = make('CartPole-v1');
  env.reset({ options: { state: [0, 0, 0, 0] } });
  const { obs } = env.step(1);
  ep.steps[0].obs = Array.from(obs);
  ep.steps[0].r = 0;
  assert.deepEqual(replayEpisode(ep).mismatch, { step: 0, field: 'reward', expected: 0, actual: 1 });
});

test('malformed episode files get a clear error', () => {
  assert.throws(() => parseEpisodes({}), /"episodes" array/);
  assert.throws(
    () => parseEpisodes({ episodes: [{ env_id: 'CartPole-v1', initial_state: [1, 2], steps: [] }] }),
    /episodes\[0\]\.initial_state/,
  );
  assert.throws(
    () =>
      parseEpisodes({
        episodes: [
          {
            env_id: 'CartPole-v1',
            initial_state: [0, 0, 0, 0],
            steps: [{ a: 0, obs: [0, 0, 0, 0], r: 1, terminated: 'no', truncated: false }],
          },
        ],
      }),
    /steps\[0\]\.terminated/,
  );
});

test('reset is seeded, uniform in ±0.05, and float32 observations of a float64 state', () => {
  const a = make('CartPole-v1'),
    b = make('CartPole-v1');
  const ra = a.reset({ seed: 7 }),
    rb = b.reset({ seed: 7 });
  assert.ok(ra.obs instanceof Float32Array);
  assert.deepEqual(Array.from(ra.obs), Array.from(rb.obs));
  for (const v of ra.obs) assert.ok(Math.abs(v) <= 0.05);
  const c = make('CartPole-v1');
  assert.notDeepEqual(Array.from(c.reset({ seed: 8 }).obs), Array.from(ra.obs));
  // Reset without a seed continues the seeded stream, the same for both.
  assert.deepEqual(Array.from(a.reset().obs), Array.from(b.reset().obs));
  const raw = new CartPoleEnv();
  raw.reset({ options: { state: [0.1, 0.2, 0.3, 0.4] } });
  assert.deepEqual(raw.state, [0.1, 0.2, 0.3, 0.4]);
});

test('time limits: v0 truncates at 200, v1 at 500, maxEpisodeSteps overrides', () => {
  for (const [id, limit] of [
    ['CartPole-v0', 200],
    ['CartPole-v1', 500],
  ] as const) {
    const env = make(id);
    env.reset({ options: { state: [0, 0, 0, 0] } });
    let t = 0;
    for (;;) {
      // A balancing controller keeps the pole up past the limit.
      const raw = (env as unknown as { unwrapped: CartPoleEnv }).unwrapped;
      const r = env.step(raw.theta + 0.5 * raw.thetaDot > 0 ? 1 : 0);
      t++;
      assert.equal(r.terminated, false);
      if (r.truncated) break;
    }
    assert.equal(t, limit);
  }
  const short = make('CartPole-v1', { maxEpisodeSteps: 3 });
  short.reset({ seed: 1 });
  assert.equal(short.step(0).truncated, false);
  assert.equal(short.step(1).truncated, false);
  assert.equal(short.step(0).truncated, true);
});

test('termination at the thresholds, then reward 0 if stepped again', (t) => {
  const env = new CartPoleEnv();
  env.reset({ options: { state: [0, 0, 0.2, 0] } });
  let r = env.step(0);
  while (!r.terminated) r = env.step(0);
  assert.equal(r.reward, 1);
  t.mock.method(console, 'warn', () => {});
  assert.equal(env.step(0).reward, 0);
});

test('bad actions, unknown ids and unknown options get clear errors', () => {
  const env = make('CartPole-v1');
  env.reset({ seed: 0 });
  assert.throws(() => env.step(2), /invalid action 2.*Discrete\(2\)/);
  assert.throws(() => env.step(0.5), /invalid action 0\.5/);
  assert.throws(() => make('CartPole-v2'), /unknown environment id 'CartPole-v2'. Did you mean 'CartPole-v\d'\?.*Known ids: .*CartPole-v0/);
  assert.throws(() => make('CartPole-v1', { gravity: 3 }), /unknown option 'gravity'/);
  assert.throws(() => make('CartPole-v1', { trig: 'fast' }), /option trig must be one of 'numpy-svml', 'math', got "fast"/);
  assert.throws(() => env.reset({ options: { state: [1, 2, 3] } }), /options.state must be 4 finite numbers/);
  assert.throws(() => new CartPoleEnv().step(0), /call reset\(\) before step\(\)/);
});

test('spaces: Discrete and Box sample within bounds, seeded', () => {
  const env = make('CartPole-v1');
  env.actionSpace.seed(3);
  const xs = Array.from({ length: 50 }, () => env.actionSpace.sample());
  assert.ok(xs.every((x) => env.actionSpace.contains(x)));
  assert.ok(xs.includes(0) && xs.includes(1));
  env.observationSpace.seed(3);
  const o = env.observationSpace.sample();
  assert.ok(env.observationSpace.contains(o));
  assert.equal(env.observationSpace.toString().startsWith('Box('), true);
  assert.equal(env.observationSpace.contains(new Float32Array([10, 0, 0, 0])), false);
});

test('render draws a recognisable cart and pole', () => {
  const env = new CartPoleEnv();
  env.reset({ options: { state: [0, 0, 0, 0] } });
  const f = env.render();
  assert.equal(f.width, 600);
  assert.equal(f.height, 400);
  const px = (x: number, y: number) => Array.from(f.data.subarray((y * 600 + x) * 3, (y * 600 + x) * 3 + 3));
  assert.deepEqual(px(300, 310), [0, 0, 0]); // cart body, below the pivot
  assert.deepEqual(px(300, 250), [202, 152, 101]); // upright pole above the cart
  assert.deepEqual(px(100, 200), [255, 255, 255]); // background
  env.reset({ options: { state: [1, 0, 0.2, 0] } });
  const g = env.render();
  const cartX = 300 + 125;
  assert.deepEqual(Array.from(g.data.subarray((310 * 600 + cartX) * 3, (310 * 600 + cartX) * 3 + 3)), [0, 0, 0]);
});
