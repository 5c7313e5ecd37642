/**
 * `<div data-live="kungfu">`: the shipped one-hour A3C agent (checkpoints/kung_fu_master_a3c/) plays
 * Kung-Fu Master in the reader's browser, at the game's speed (60 frames per second; faster on request),
 * with its action probabilities beside the screen. The ROM is the reader's own: a file input, the file
 * identified by MD5 as in Node (lib/live/roms.ts), read in memory and never sent anywhere. The reader can
 * also take the controls (arrow keys and space) and play the same game.
 *
 * The agent is the library's: `actorCriticModel` builds the checkpoint's network from its config, and the
 * game is the training environment of its id (`Preprocessed42Crop/KungFuMasterDeterministic-v0`: frame
 * skip 4, 42x42 greyscale, 4 stacked frames), sampled as `evaluate` samples.
 */
import { logitsOf, sampleActions } from '../algos/algorithm';
import { actorCriticModel, type ActorCriticModel } from '../algos/models';
import type { AtariEnv } from '../envs/atari';
import type { Env } from '../envs/core';
import { make } from '../envs/registry';
import { trainingEnvId } from '../envs/training-envs';
import { Wrapper } from '../envs/wrappers/wrapper';
import { logSoftmax } from '../nn/distributions';
import { Rng } from '../util/rng';
import { checkRomSize, loadRom, supplyRom } from './roms';
import { drawRgb, el, WidgetState, yieldToBrowser } from './widget';

/** The trained agent as the site ships it (assets/kungfu-agent.js, written by scripts/build-live.mjs). */
export interface ShippedAgent {
  /** The checkpoint's algorithm and config (envId, hidden, sharedTrunk, ...). */
  algo: string;
  config: { envId: string; hidden: number; sharedTrunk: boolean; seed: number };
  /** What the trainer recorded (seconds, env steps...). */
  trainer: Record<string, unknown>;
  /** The network's parameters: float32 little-endian, base64. */
  params: string;
}

const GAME = 'kung_fu_master';
/** The Atari's frame rate (NTSC). */
const FPS = 60;
/** Speeds offered, in multiples of the game's own; 0: as fast as this machine runs it. */
const SPEEDS: [string, number][] = [
  ['1x (the game\u2019s speed)', 1],
  ['2x', 2],
  ['4x', 4],
  ['as fast as possible', 0],
];

function base64Floats(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** The agent's network with the shipped parameters. */
export function shippedNetwork(agent: ShippedAgent, obsShape: number[], nActions: number): ActorCriticModel {
  const net = actorCriticModel(obsShape, nActions, 0, { shared: agent.config.sharedTrunk, hidden: agent.config.hidden });
  const params = base64Floats(agent.params);
  if (params.length !== net.group.size)
    throw new Error(`the shipped agent has ${params.length} parameters, its network ${net.group.size}: the site's assets are out of date`);
  net.group.setFlat(params);
  return net;
}

/** The key combination held, as the name of an ALE action ('UPRIGHTFIRE', 'LEFT', 'NOOP'...). */
function heldAction(keys: Set<string>): string {
  const v = keys.has('ArrowUp') ? 'UP' : keys.has('ArrowDown') ? 'DOWN' : '';
  const h = keys.has('ArrowRight') ? 'RIGHT' : keys.has('ArrowLeft') ? 'LEFT' : '';
  const f = keys.has(' ') ? 'FIRE' : '';
  return `${v}${h}${f}` || 'NOOP';
}

export function mountKungFu(root: HTMLElement, describeBackend: () => Promise<string>, agent: ShippedAgent | null): void {
  const seed = Number(root.dataset.seed ?? 0);
  const state = new WidgetState(root);
  const input = el('input', { type: 'file', accept: '.bin,application/octet-stream', 'aria-label': 'your kung_fu_master.bin' });
  const button = el('button', { type: 'button', 'data-live-start': '', disabled: '' }, 'Play');
  const speed = el('select', { 'data-live-speed': '', 'aria-label': 'speed' });
  for (const [label, value] of SPEEDS) speed.append(el('option', { value: String(value) }, label));
  const human = el('input', { type: 'checkbox', 'data-live-human': '' });
  const canvas = el('canvas', { width: '160', height: '210', class: 'dojo-live-atari', tabindex: '0', 'aria-label': 'the game screen' });
  const bars = el('div', { class: 'dojo-live-probs' });
  const score = el('p', { class: 'dojo-live-score' });
  root.replaceChildren(
    el(
      'div',
      { class: 'dojo-live-controls' },
      el('label', {}, 'Your ROM: ', input),
      button,
      el('label', {}, 'Speed: ', speed),
      el('label', {}, human, ' I play (arrow keys and space)'),
    ),
    state.message,
    el(
      'div',
      { class: 'dojo-live-panes' },
      canvas,
      el('div', {}, el('p', { class: 'dojo-live-caption' }, 'The agent\u2019s policy now:'), bars, score),
    ),
  );
  state.say(
    'Choose your own kung_fu_master.bin (the ROM is not shipped; it stays on this computer and is never uploaded), then press Play.',
  );
  if (!agent) {
    state.fail(new Error('the trained agent is missing from this page (assets/kungfu-agent.js did not load)'));
    return;
  }

  let env: Env<Float32Array, number> | null = null;
  let net: ActorCriticModel | null = null;
  let atari: AtariEnv | null = null;
  let meanings: string[] = [];
  let rows: { fill: HTMLElement; value: HTMLElement }[] = [];
  let obs: Float32Array | null = null;
  let running = false;
  let frames = 0;
  let total = 0;
  let games = 0;
  const rng = new Rng(seed + 7);
  const keys = new Set<string>();

  const result = () => ({ frames, score: total, games });
  const showScore = () => {
    score.textContent = `Score ${total.toLocaleString('en')} \u00b7 frame ${frames.toLocaleString('en')} \u00b7 lives ${atari ? atari.lives() : '-'}`;
  };

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    running = false;
    button.setAttribute('disabled', '');
    try {
      checkRomSize(file.size, file.name, GAME);
    } catch (e) {
      state.fail(e);
      return;
    }
    file
      .arrayBuffer()
      .then((buf) => {
        const rom = supplyRom(new Uint8Array(buf), file.name, GAME);
        env = null;
        state.set('idle', null);
        state.say(`${file.name}: ${rom.game.id}${rom.release ? ` (${rom.release})` : ''}, MD5 ${rom.md5}. Press Play.`);
        button.removeAttribute('disabled');
      })
      .catch((e) => state.fail(e));
  });

  const newGame = async () => {
    const backend = await describeBackend();
    const id = trainingEnvId(agent.config.envId);
    env = make<Float32Array>(id, { seed });
    let inner: unknown = env;
    while (inner instanceof Wrapper) inner = inner.inner;
    atari = inner as AtariEnv;
    meanings = atari.getActionMeanings();
    const shape = [...env.observationSpace.shape];
    net ??= shippedNetwork(agent, shape, meanings.length);
    obs = env.reset({ seed: seed + games }).obs;
    frames = 0;
    total = 0;
    bars.replaceChildren();
    rows = meanings.map((name) => {
      const fill = el('span', { class: 'dojo-live-bar' });
      const value = el('span', { class: 'dojo-live-p' });
      bars.append(
        el(
          'div',
          { class: 'dojo-live-row' },
          el('span', { class: 'dojo-live-name' }, name),
          el('span', { class: 'dojo-live-track' }, fill),
          value,
        ),
      );
      return { fill, value };
    });
    state.say(`The agent trained for ${Math.round(Number(agent.trainer.seconds ?? 3600) / 60)} minutes plays (${backend}).`);
  };

  /** One agent step (4 frames): the policy's probabilities shown, an action sampled (or the reader's). */
  const step = (draw: boolean): boolean => {
    if (!env || !net || !obs || !atari) return false;
    const logits = logitsOf(net.logits, obs, [1, ...env.observationSpace.shape]);
    const probs = logSoftmax(Array.from(logits)).map(Math.exp);
    let action = sampleActions(logits, 1, meanings.length, rng)[0];
    if (human.checked) {
      const wanted = heldAction(keys);
      action = Math.max(0, meanings.indexOf(wanted));
    }
    const r = env.step(action);
    obs = r.obs;
    total += r.reward;
    frames = Number(r.info.episodeFrameNumber ?? frames + 4);
    if (draw) {
      drawRgb(canvas, atari.render());
      probs.forEach((p, k) => {
        rows[k].fill.style.width = `${(100 * p).toFixed(1)}%`;
        rows[k].fill.classList.toggle('dojo-live-chosen', k === action);
        rows[k].value.textContent = p.toFixed(2);
      });
      showScore();
    }
    return r.terminated || r.truncated;
  };

  const play = async () => {
    running = true;
    button.textContent = 'Stop';
    try {
      if (!env) await newGame();
      state.set('running', result());
      let clock = performance.now();
      let owed = 0;
      while (running) {
        const x = Number(speed.value);
        const now = performance.now();
        const stepsPerSecond = (FPS / 4) * x;
        owed = x === 0 ? Number.POSITIVE_INFINITY : Math.min(owed + ((now - clock) / 1000) * stepsPerSecond, 8);
        clock = now;
        let over = false;
        const until = now + 25;
        while (owed >= 1 && !over && performance.now() < until) {
          owed -= 1;
          over = step(x !== 0 || owed < 1 || performance.now() + 2 >= until);
        }
        if (x === 0) {
          if (atari) drawRgb(canvas, atari.render());
          showScore();
          owed = 0;
        }
        if (over) {
          running = false;
          games++;
          env = null;
          state.set('done', result());
          state.say(
            `Game over: ${total.toLocaleString('en')} points in ${frames.toLocaleString('en')} frames. Press Play for another game.`,
          );
          button.textContent = 'Play';
          return;
        }
        state.set('running', result());
        await (x === 0 ? yieldToBrowser() : new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
      }
      button.textContent = 'Play';
      // Stopped by the button (a new file picked meanwhile has said its own piece).
      if (state.status !== 'running') return;
      state.set('done', result());
      state.say(`Stopped at ${total.toLocaleString('en')} points after ${frames.toLocaleString('en')} frames. Press Play to go on.`);
    } catch (e) {
      running = false;
      button.textContent = 'Play';
      state.fail(e, result());
    }
  };

  button.addEventListener('click', () => {
    if (running) running = false;
    else {
      try {
        loadRom(GAME);
      } catch (e) {
        state.fail(e);
        return;
      }
      void play();
    }
  });
  const onKey = (down: boolean) => (e: KeyboardEvent) => {
    if (!human.checked || !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', ' '].includes(e.key)) return;
    e.preventDefault();
    if (down) keys.add(e.key);
    else keys.delete(e.key);
  };
  canvas.addEventListener('keydown', onKey(true));
  canvas.addEventListener('keyup', onKey(false));
  human.addEventListener('change', () => {
    if (human.checked) canvas.focus();
  });
}
