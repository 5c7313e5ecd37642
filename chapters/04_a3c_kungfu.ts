// %% [markdown]
// # Chapter 4 — A3C on Kung-Fu Master
//
// **By the end of this chapter you will be able to**
//
// - unpack the three A's of A3C: *asynchronous*, *advantage*, *actor-critic*;
// - turn 210×160 colour Atari frames into the 42×42 grayscale 4-frame stacks the network reads, and
//   spot a classic colour-order slip;
// - work out a convolutional network's flattened size by hand (why the first dense layer has 512 inputs);
// - write one-step TD targets and $n$-step returns with episode-end masks;
// - train an actor-critic on a batch of environments, then with truly asynchronous workers, and measure
//   what asynchrony buys;
// - evaluate the agent, watch it fight, and take on a harder game.

// %% [imports]
import * as tf from '@tensorflow/tfjs';
import * as dojo from 'gradient-dojo';

// %%
await dojo.nn.ready();
console.log(dojo.nn.describeBackend());
const BUDGET = (process.env.GRADIENT_DOJO_BUDGET ?? 'book') as 'ci' | 'book' | 'full';
const pick = <T,>(choices: { ci: T; book: T; full: T }): T => choices[BUDGET] ?? choices.book;
console.log(`budget: ${BUDGET}`);

// %% [markdown]
// ## The three A's
//
// - **Actor-critic.** One network, two heads: the actor outputs $\pi(a \mid s)$, the critic $V(s)$
//   (chapter 3).
// - **Advantage.** The actor's weight is $A(s_t, a_t) = \text{target}_t - V(s_t)$, where the target is
//   built from a few real rewards plus the critic's estimate of what follows. We no longer wait for
//   the end of an episode.
// - **Asynchronous.** Several workers, each with its own copy of the game, play and compute gradients
//   in parallel and apply them to shared weights *without waiting for each other*. Their experience
//   comes from different moments of different games, which decorrelates the updates (chapter 2's
//   problem), and no worker ever idles waiting for the slowest.
//
// ## The game: Kung-Fu Master
//
// Thomas walks along a temple floor fighting grippers, knife throwers and dragons. Points come from
// defeating enemies; touching them drains energy. The game has **14 actions** (the joystick's
// directions combined with fire). The emulator runs the original cartridge; the `Deterministic`
// variant repeats every chosen action for 4 frames.

// %%
const raw = (dojo.envs.make('KungFuMasterDeterministic-v0') as dojo.envs.Env<Uint8Array, number>);
console.log('actions:', raw.actionSpace.toString());
raw.reset({ seed: 0 });
for (let i = 0; i < 60; i++) raw.step(i % 14);
const screen = raw.render();
console.log(`screen: ${screen.width}x${screen.height} RGB`);
dojo.viz.showPng(dojo.viz.encodePng(dojo.viz.upscale(screen, 2)));

// %% [markdown]
// ## What the agent sees
//
// Each frame is (optionally) cropped to the playing field, shrunk to 42×42, turned to grayscale and
// scaled to $[0, 1]$. The A3C notebooks keep the whole screen; Practical_RL's crop, shown here, drops
// the score and energy bars so the fighters cover more of the 42×42. The library trains on
// `Preprocessed42/<game>` (whole screen) or `Preprocessed42Crop/<game>` (cropped), and
// `dojo.algos.makeEnv(envId)` builds the same observations for evaluation. One frame does not show which way anything is moving, so the observation stacks the
// **last 4 frames**: shape $[42, 42, 4]$ (channels last, as TensorFlow.js convolutions expect).
//
// ### Exercise 4.1 — grayscale done right
//
// The standard luma weights are $Y = 0.299R + 0.587G + 0.114B$. The emulator's frames are stored
// R, G, B. The notebooks this course grew out of converted them with OpenCV's `COLOR_BGR2GRAY`,
// which assumes B, G, R order, so red got blue's weight and vice versa. The agent still learns
// (it is a fixed linear map), but red enemies look darker than they should. Do it the right way:
// `rgb` holds R, G, B bytes for each pixel; return one value per pixel in $[0, 1]$.

// %% [exercise]
/** Luma of every pixel of interleaved R,G,B bytes, scaled to [0, 1]. */
export function grayscale(rgb: Uint8Array): Float32Array {
  // BEGIN SOLUTION
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    out[i] = (0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]) / 255;
  }
  return out;
  // END SOLUTION
}

// %%
const env = new dojo.envs.PreprocessAtari((dojo.envs.make('KungFuMasterDeterministic-v0') as dojo.envs.Env<Uint8Array, number>), {
  height: 42, width: 42, crop: 'practical_rl', grayscale: 'luma', nFrames: 4, channelOrder: 'channels-last',
});
let obs = env.reset({ seed: 0 }).obs;
for (let i = 0; i < 60; i++) obs = env.step(i % 14).obs;
console.log('observation shape:', env.observationSpace.toString());
// The real frame, and beside it what the agent gets: the four stacked 42x42 frames, oldest first.
dojo.viz.showPng(dojo.viz.encodePng(dojo.viz.sideBySide(env.render(), obs, [42, 42, 4], { channelOrder: 'channels-last' })));

// %% [markdown]
// ## The network, and why its flatten has 512 units
//
// Three convolutions, each with 32 filters of size 3×3 and stride 2 and no padding, then a dense
// layer of 128 units and the two heads. A convolution with kernel $k$, stride $s$ and padding $p$
// maps a side of length $n$ to
//
// $$n' = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$
//
// ### Exercise 4.2 — convolution output size

// %% [exercise]
/** Side length after a convolution (padding on both sides, default 0). */
export function convOutputSize(size: number, kernel: number, stride: number, padding = 0): number {
  // BEGIN SOLUTION
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
  // END SOLUTION
}

// %%
// 42 -> 20 -> 9 -> 4, and 4 * 4 * 32 = 512 features reach the dense layer.
let side = 42;
for (const layer of dojo.nn.A3C_CONVS) {
  side = dojo.nn.convOutputSize(side, layer);
  console.log(`after a conv: ${side} x ${side} x ${layer.filters}`);
}
console.log(`flattened: ${side * side * 32}`);

// %% [markdown]
// ## Learning from one step: the TD target
//
// Instead of waiting for $G_t$, bootstrap from the critic after a single step:
//
// $$y_t = r_t + \gamma\, V(s_{t+1})\,(1 - d_t), \qquad A_t = y_t - V(s_t),$$
//
// where $d_t = 1$ when step $t$ ended the game: after the end there is nothing more to earn, so the
// bootstrap is dropped. The critic regresses $V(s_t)$ onto $y_t$ (held constant), the actor uses
// $A_t$. We step a batch of 10 environments together (an `EnvBatch`); every step yields 10
// transitions for one gradient step.
//
// ### Exercise 4.3 — one-step TD targets for a batch

// %% [exercise]
/** r + gamma * V(s') * (1 - done), one target per environment of the batch. */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  // BEGIN SOLUTION
  return rewards.map((r, i) => r + (dones[i] ? 0 : gamma * nextValues[i]));
  // END SOLUTION
}

// %% [markdown]
// ## $n$-step returns
//
// One-step targets lean entirely on the critic, which is poor early in training. Playing $n$ steps
// before updating gives targets built from $n$ real rewards:
//
// $$G_t = r_t + \gamma (1 - d_t)\, G_{t+1}, \qquad G_n = V(s_n),$$
//
// computed backwards from the critic's value of the state after the rollout. The mask $(1 - d_t)$
// cuts the chain where a game ended inside the rollout; the next game's rewards do not belong to
// this one.
//
// ### Exercise 4.4 — $n$-step returns over a batch of rollouts
//
// Arrays are *time-major*: `rewards[t][b]` is environment `b`'s reward at step `t`.
// `bootstrap[b]` is $V(s_n)$ for environment `b`.

// %% [exercise]
/** n-step returns, time-major [T][B], bootstrapped from the critic and cut at episode ends. */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  // BEGIN SOLUTION
  const returns: number[][] = new Array(rewards.length);
  let next = bootstrap.slice();
  for (let t = rewards.length - 1; t >= 0; t--) {
    next = next.map((g, b) => rewards[t][b] + (dones[t][b] ? 0 : gamma * g));
    returns[t] = next;
  }
  return returns;
  // END SOLUTION
}

// %% [markdown]
// ## Training on a batch of environments
//
// `SyncA3C` is the synchronous version: 10 environments in lockstep, a rollout of `nSteps` steps,
// one gradient step on the mean actor-critic loss (entropy coefficient $0.001$, Adam with learning rate
// $10^{-4}$, rewards scaled by $0.01$ so that the critic's targets stay small). With `nSteps: 1` it
// is exactly the one-step recipe above. The network's passes while acting are kept
// (`ForwardRecord`), so the loss over the rollout is differentiated without running the network on
// those observations a second time, as PyTorch keeps the graph of the acting passes for
// `loss.backward()`.

// %%
async function trainFor(algo: { update(): Promise<dojo.algos.UpdateResult> }, seconds: number, label: string) {
  const t0 = performance.now();
  let steps = 0;
  const episodes: { steps: number; ret: number }[] = [];
  while ((performance.now() - t0) / 1000 < seconds) {
    const r = await algo.update();
    steps += r.envSteps;
    for (const ret of r.episodeReturns) episodes.push({ steps, ret });
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`${label}: ${steps} env steps in ${secs.toFixed(0)} s (${(steps / secs).toFixed(0)}/s), ${episodes.length} games finished`);
  return { steps, secs, episodes };
}
const SECONDS = pick({ ci: 5, book: 120, full: 3600 });
const oneStep = new dojo.algos.SyncA3C({ envId: 'KungFuMasterDeterministic-v0', numEnvs: 10, nSteps: 1, seed: 1 });
const runOne = await trainFor(oneStep, SECONDS, 'one-step, 10 envs');
const fiveStep = new dojo.algos.SyncA3C({ envId: 'KungFuMasterDeterministic-v0', numEnvs: 10, nSteps: 5, seed: 1 });
const runFive = await trainFor(fiveStep, SECONDS, '5-step, 10 envs');

// %% [markdown]
// ## Truly asynchronous A3C
//
// `A3C` starts worker threads. Each owns its environments and a copy of the network; after each
// rollout it computes a gradient and applies it to weights kept in shared memory, then copies the
// fresh weights back. No worker waits for another. With two cores, two workers can be busy at once.
// We compare environment steps per second and the returns reached in the same wall-clock time.

// %%
const a3c = new dojo.algos.A3C({ envId: 'KungFuMasterDeterministic-v0', numWorkers: 2, envsPerWorker: 1, nSteps: 20, seed: 1 });
const runAsync = await dojo.algos.train(a3c, { seconds: SECONDS, progress: 'lines', progressInterval: 30 });
console.log(`asynchronous: ${runAsync.envSteps} env steps in ${runAsync.seconds.toFixed(0)} s (${(runAsync.envSteps / runAsync.seconds).toFixed(0)}/s)`);

// %%
const asyncEpisodes = runAsync.history.filter((h) => h.episodeReturn !== undefined).map((h) => ({ steps: h.envSteps, ret: h.episodeReturn as number }));
dojo.viz.showPlot({
  data: [
    { x: runOne.episodes.map((e) => e.steps), y: runOne.episodes.map((e) => e.ret), name: 'one-step, EnvBatch', mode: 'markers' },
    { x: runFive.episodes.map((e) => e.steps), y: runFive.episodes.map((e) => e.ret), name: '5-step, EnvBatch', mode: 'markers' },
    { x: asyncEpisodes.map((e) => e.steps), y: asyncEpisodes.map((e) => e.ret), name: 'A3C, 2 workers', mode: 'markers' },
  ],
  layout: { title: `Kung-Fu Master, ${SECONDS} s of training each`, xaxis: { title: 'environment steps' }, yaxis: { title: 'game score' } },
});
dojo.viz.showPlot({
  data: [{ type: 'bar', x: ['one-step batch', '5-step batch', 'A3C (2 workers)'], y: [runOne.steps / runOne.secs, runFive.steps / runFive.secs, runAsync.envSteps / runAsync.seconds] }],
  layout: { title: 'Throughput', yaxis: { title: 'environment steps per second' } },
});

// %% [markdown]
// ## Evaluation and a game to watch
//
// Evaluation plays full games with the policy's sampled actions. Scores vary a lot from game to
// game, so look at the mean and the spread.

// %%
// Evaluate on exactly the observations the agent was trained on (here: the whole screen).
const evalEnv = dojo.algos.makeEnv(a3c.config.envId);
const summary = dojo.algos.evaluate(evalEnv, a3c.evalAgent(new dojo.Rng(0)), pick({ ci: 1, book: 5, full: 20 }), 500, pick({ ci: 300, book: 20_000, full: 100_000 }));
console.log(`evaluation over ${summary.episodes} games: mean ${summary.mean.toFixed(0)} ± ${summary.std.toFixed(0)} (min ${summary.min}, max ${summary.max})`);
const player = a3c.evalAgent(new dojo.Rng(1));
player.reset();
const game = dojo.viz.recordEpisode(evalEnv, (o) => player.act(o), { seed: 2, every: 2, maxSteps: pick({ ci: 40, book: 1500, full: 3000 }) });
console.log(`recorded game: score ${game.totalReward} in ${game.length} steps`);
dojo.viz.showGif(dojo.viz.toGif(game.frames, { fps: 15 }));
await a3c.dispose();

// %% [markdown]
// ## An agent trained for an hour
//
// A couple of minutes of training only starts the climb. The course's learning benchmark trained true
// asynchronous A3C (2 workers with 4 environments each, $n = 20$, the network above) for one hour on a
// 2-core machine, with three changes to the recipe:
//
// - **Practical_RL's crop** (`Preprocessed42Crop/...`): the score bars are cut off, so the fighters cover
//   more of the 42×42 pixels;
// - **a lost life ends the episode for learning** (`episodicLife: true`): the critic stops bootstrapping
//   at a death, so being grabbed and drained of energy is finally worth nothing, while the game goes on
//   (evaluation still plays whole games);
// - **the step size decays linearly to zero** over the hour (`lrSchedule: 'linear'`), which settles the
//   policy instead of letting it wander at the end.
//
// Its checkpoint ships with the course in `checkpoints/kung_fu_master_a3c/`. Over 20 evaluation games it
// averaged about 12,400 points, against roughly 700 for random play. `loadAlgorithm` restores the whole
// run: configuration, weights and optimiser state, so training could even continue from it
// (`npx gradient-dojo train a3c --resume ...`).

// %%
const pretrained = dojo.algos.loadAlgorithm('../checkpoints/kung_fu_master_a3c').algo;
const pretrainedEnv = dojo.algos.makeEnv(pretrained.config.envId);
const pretrainedScore = dojo.algos.evaluate(pretrainedEnv, pretrained.evalAgent(new dojo.Rng(7)), pick({ ci: 1, book: 5, full: 20 }), 7_000, pick({ ci: 200, book: 100_000, full: 100_000 }));
console.log(`one-hour agent, ${pretrainedScore.episodes} games: mean ${pretrainedScore.mean.toFixed(0)} ± ${pretrainedScore.std.toFixed(0)} (min ${pretrainedScore.min}, max ${pretrainedScore.max})`);
const champion = pretrained.evalAgent(new dojo.Rng(8));
champion.reset();
const championGame = dojo.viz.recordEpisode(pretrainedEnv, (o) => champion.act(o), { seed: 8, every: 3, maxSteps: pick({ ci: 40, book: 2500, full: 5000 }) });
console.log(`recorded game: score ${championGame.totalReward} in ${championGame.length} steps`);
dojo.viz.showGif(dojo.viz.toGif(championGame.frames, { fps: 20 }));
pretrainedEnv.close();
await pretrained.dispose();

// %% [markdown]
// ## Challenge: Kangaroo
//
// The same recipe learns nothing on Kangaroo: one hour of A3C with EpisodicLife and the decaying step
// size (on the whole screen) still played like chance, about 40 points a game. The mother kangaroo
// must climb ladders to reach her joey at the top; the big rewards are far away (sparse) and depend on
// *where* she is (spatial). A policy that punches monkeys near the bottom collects small rewards and
// never discovers the climb. Ideas to try: rewards scaled down less, a smaller entropy coefficient once
// the first rewards arrive, keeping more resolution (84×84), a bonus for reaching new places, or a
// recurrent agent (chapter 5).

// %%
const kangaroo = new dojo.algos.SyncA3C({ envId: 'KangarooDeterministic-v0', numEnvs: 10, nSteps: 5, seed: 2 });
const runK = await trainFor(kangaroo, pick({ ci: 3, book: 60, full: 3600 }), 'Kangaroo, 5-step');
console.log('best Kangaroo game so far:', Math.max(0, ...runK.episodes.map((e) => e.ret)));

// %% [markdown]
// ## What to remember
//
// - A3C = actor-critic + advantage from bootstrapped targets + asynchronous workers.
// - The observation is a stack of 4 small grayscale frames, so motion is visible; mind the RGB
//   channel order when converting to gray.
// - $y = r + \gamma V(s')(1-d)$ learns from one step; $n$-step returns trade a little variance for
//   much less reliance on an untrained critic; the done mask is essential.
// - Asynchronous workers keep every core busy and decorrelate updates.
