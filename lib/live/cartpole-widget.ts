/**
 * `<div data-live="cartpole">`: trains the chapter's agent on CartPole-v1 in the reader's browser, with
 * the library's own REINFORCE (chapter 1) or A2C (chapter 3, `data-algo="a2c"`), a live return curve
 * (lib/viz's `trainingCurves` on the page's Plotly) and the current policy balancing the pole on a canvas
 * (the library's CartPole renderer), until the mean return of the last 20 training episodes reaches the
 * target (`data-target`, default 195: CartPole's classic "solved").
 *
 * Training runs on the page's thread, one update at a time with a pause for the browser between updates;
 * the pole is drawn at the environment's own pace (50 steps per second) in the pauses.
 */
import { A2C } from '../algos/a2c';
import type { Algorithm, EvalAgent } from '../algos/algorithm';
import { Reinforce } from '../algos/reinforce';
import type { Env } from '../envs/core';
import { make } from '../envs/registry';
import { Rng } from '../util/rng';
import { trainingCurves } from '../viz/plots';
import { drawRgb, el, plotly, WidgetState, yieldToBrowser } from './widget';

/** The settings that learn fastest here (lib/algos' defaults otherwise; bench/learn uses the same). */
export const LIVE_CARTPOLE = {
  reinforce: { numEnvs: 8, episodesPerUpdate: 8, lr: 0.01, entropyCoef: 0.01 },
  a2c: { numEnvs: 8, episodesPerUpdate: 8, lr: 0.005 },
} as const;

/** Episodes the result's mean is taken over. */
export const MEAN_OVER = 20;

export interface CartPoleResult {
  episodes: number;
  /** Mean return of the last 20 training episodes (of all of them while fewer). */
  meanReturn: number;
  updates: number;
  seconds: number;
}

export function mountCartPole(root: HTMLElement, describeBackend: () => Promise<string>): void {
  const kind = root.dataset.algo === 'a2c' ? 'a2c' : 'reinforce';
  const target = Number(root.dataset.target ?? 195);
  let seed = Number(root.dataset.seed ?? 1);
  const state = new WidgetState(root);
  const button = el('button', { type: 'button', 'data-live-start': '' }, 'Start training');
  const canvas = el('canvas', {
    width: '600',
    height: '400',
    class: 'dojo-live-cartpole',
    'aria-label': 'the cart-pole, played by the current policy',
  });
  const chart = el('div', { class: 'dojo-live-chart' });
  root.replaceChildren(
    el('div', { class: 'dojo-live-controls' }, button),
    state.message,
    el('div', { class: 'dojo-live-panes' }, canvas, chart),
  );
  state.say(
    `${kind === 'a2c' ? 'A2C' : 'REINFORCE'} on CartPole-v1, seed ${seed}, ${LIVE_CARTPOLE[kind].numEnvs} environments: press Start to train until the mean return of the last ${MEAN_OVER} episodes reaches ${target}.`,
  );

  let algo: Algorithm | null = null;
  let running = false;
  let returns: number[] = [];
  let updates = 0;
  let seconds = 0;
  let show: { env: Env<Float32Array, number>; agent: EvalAgent; obs: Float32Array } | null = null;
  let lastShown = 0;
  let animating = false;

  const result = (): CartPoleResult => {
    const tail = returns.slice(-MEAN_OVER);
    const meanReturn = tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : 0;
    return { episodes: returns.length, meanReturn: Math.round(meanReturn * 100) / 100, updates, seconds: Math.round(seconds * 10) / 10 };
  };

  const drawChart = () => {
    const P = plotly();
    if (!P || returns.length === 0) return;
    const fig = trainingCurves(
      { rewards: returns },
      { title: `${kind === 'a2c' ? 'A2C' : 'REINFORCE'} on CartPole, in this page`, xTitle: 'episode' },
    );
    fig.layout.height = 300;
    fig.layout.shapes = [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: target, y1: target, line: { dash: 'dot', color: '#888' } }];
    P.react(chart, fig.data, fig.layout, { displayModeBar: false, responsive: true });
  };

  /** One step of the shown game, at most 50 per second (CartPole's tau is 0.02 s). */
  const animate = (now: number) => {
    if (show && now - lastShown >= 20) {
      lastShown = now;
      const r = show.env.step(show.agent.act(show.obs));
      show.obs = r.obs;
      if (r.terminated || r.truncated) show.obs = show.env.reset().obs;
      drawRgb(canvas, show.env.render());
    }
    requestAnimationFrame(animate);
  };

  const train = async () => {
    running = true;
    button.textContent = 'Stop';
    state.set('running', result());
    try {
      if (!algo) {
        state.say(`Starting TensorFlow.js... `);
        const backend = await describeBackend();
        algo = kind === 'a2c' ? new A2C({ ...LIVE_CARTPOLE.a2c, seed }) : new Reinforce({ ...LIVE_CARTPOLE.reinforce, seed });
        const env = make<Float32Array>('CartPole-v1');
        const rng = new Rng(seed + 1000);
        show = { env, agent: algo.evalAgent(rng), obs: env.reset({ seed }).obs };
        state.say(`Training on ${backend}.`);
        if (!animating) requestAnimationFrame(animate);
        animating = true;
      }
      while (running) {
        const t0 = performance.now();
        const r = await algo.update();
        seconds += (performance.now() - t0) / 1000;
        updates++;
        returns = returns.concat(r.episodeReturns);
        const res = result();
        drawChart();
        if (returns.length >= MEAN_OVER && res.meanReturn >= target) {
          running = false;
          state.set('done', res);
          state.say(
            `Solved: mean return ${res.meanReturn} over the last ${MEAN_OVER} episodes after ${res.episodes} episodes (${res.updates} updates, ${res.seconds} s of training).`,
          );
          button.textContent = 'Train a new agent';
          return;
        }
        state.set('running', res);
        await yieldToBrowser();
      }
      state.set('idle', result());
      state.say(`Stopped after ${returns.length} episodes; press Start to go on.`);
      button.textContent = 'Start training';
    } catch (e) {
      running = false;
      button.textContent = 'Start training';
      state.fail(e, result());
    }
  };

  button.addEventListener('click', () => {
    if (running) {
      running = false;
      return;
    }
    if (state.status === 'done' && algo) {
      // A new agent from scratch, with the next seed (the same seed would replay the same run).
      void algo.dispose();
      algo = null;
      show = null;
      returns = [];
      updates = 0;
      seconds = 0;
      seed++;
    }
    void train();
  });
}
