/**
 * Atari games as Envs: the Gymnasium ids of lib/atari (`KungFuMasterDeterministic-v0`,
 * `KungFuMasterNoFrameskip-v4`, `ALE/KungFuMaster-v5`, and the same for Kangaroo, Breakout, Pong)
 * behind the Env protocol, with an allocation-free step for batches and pools.
 */
import { ACTION_NAMES, atariEnvConfig, atariEnvIds, AtariStepper, PALETTE_RGB, type AtariEnvConfig, type ObsType } from '../atari';
import { Rng } from '../util/rng';
import { invalidAction, StepOutcome, type Env, type FastEnv, type Info, type PalettedEnv, type ObsBuffer, type ResetArgs, type ResetResult, type RgbFrame, type StepResult } from './core';
import { Box, Discrete } from './spaces';
import { register } from './registry';

/** Options of `make('ALE/KungFuMaster-v5', options)` (they override the id's settings). */
export interface AtariOptions {
  /** Seed of the first reset when `reset()` gets none (default: random). */
  seed?: number;
  obsType?: ObsType;
  frameskip?: number | [number, number];
  repeatActionProbability?: number;
  fullActionSpace?: boolean;
  maxNumFramesPerEpisode?: number;
  mode?: number;
  difficulty?: number;
}

const KNOWN = ['seed', 'obsType', 'frameskip', 'repeatActionProbability', 'fullActionSpace', 'maxNumFramesPerEpisode', 'mode', 'difficulty'];

export class AtariEnv implements Env<Uint8Array, number>, FastEnv<number>, PalettedEnv<number> {
  readonly config: AtariEnvConfig;
  readonly actionSpace: Discrete;
  readonly observationSpace: Box<'uint8'>;
  private stepper: AtariStepper | null = null;
  private frameskipRng = new Rng(0);
  private nextSeed: number;
  private readonly frame: Uint8Array;
  private readonly outcome = new StepOutcome();

  constructor(readonly id: string, options: AtariOptions = {}) {
    for (const k of Object.keys(options)) {
      if (!KNOWN.includes(k)) throw new Error(`${id}: unknown option '${k}'. Known options: ${KNOWN.join(', ')}`);
    }
    const { seed, ...overrides } = options;
    this.config = atariEnvConfig(id, overrides);
    this.nextSeed = seed ?? Math.floor(Math.random() * 2 ** 31);
    const probe = this.ensureStepper();
    this.actionSpace = new Discrete(probe.numActions);
    this.observationSpace = new Box(0, 255, probe.observationShape, 'uint8');
    this.frame = new Uint8Array(this.observationSpace.size);
  }

  private ensureStepper(seed?: number): AtariStepper {
    if (seed !== undefined || !this.stepper) {
      const s = seed ?? this.nextSeed;
      if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new Error(`${this.id}: the seed must be an integer in 0..2^32-1, got ${s}`);
      this.stepper = new AtariStepper(this.config, { seed: s });
      this.frameskipRng = new Rng(s);
    }
    return this.stepper;
  }

  /** The names of the actions, as Gymnasium's `get_action_meanings()`. */
  getActionMeanings(): string[] {
    return this.ensureStepper().actionSet.map((a) => ACTION_NAMES[a]);
  }

  /** Lives left, as ALE reports them. */
  lives(): number { return this.ensureStepper().ale.lives(); }

  private info(): Info {
    const ale = this.ensureStepper().ale;
    return { lives: ale.lives(), episodeFrameNumber: ale.getEpisodeFrameNumber(), frameNumber: ale.getFrameNumber() };
  }

  reset(args: ResetArgs = {}): ResetResult<Uint8Array> {
    const obs = new Uint8Array(this.observationSpace.size);
    this.resetInto(obs, 0, args);
    return { obs, info: this.info() };
  }

  step(action: number): StepResult<Uint8Array> {
    const obs = new Uint8Array(this.observationSpace.size);
    const o = this.outcome;
    this.stepInto(action, obs, 0, o);
    return { obs, reward: o.reward, terminated: o.terminated, truncated: o.truncated, info: this.info() };
  }

  resetInto(out: ObsBuffer, offset: number, args: ResetArgs = {}): void {
    this.resetScreen(args);
    this.observe(out, offset);
  }

  stepInto(action: number, out: ObsBuffer, offset: number, outcome: StepOutcome): void {
    this.stepScreen(action, outcome);
    this.observe(out, offset);
  }

  /** RGB observations come from palette indices (see PalettedEnv). */
  get paletted(): boolean {
    return this.config.obsType === 'rgb';
  }

  get palette(): Uint32Array {
    return PALETTE_RGB;
  }

  screenIndices(): Uint8Array {
    return this.ensureStepper().ale.screenView;
  }

  resetScreen(args: ResetArgs = {}): void {
    if (args.options && Object.keys(args.options).length) throw new Error(`${this.id}: reset takes no options (got ${Object.keys(args.options).join(', ')})`);
    this.ensureStepper(args.seed).ale.resetGame();
  }

  stepScreen(action: number, outcome: StepOutcome): void {
    const st = this.ensureStepper();
    if (!this.actionSpace.contains(action)) throw invalidAction(action, this.actionSpace, `${this.id}.step`);
    const fs = this.config.frameskip;
    const frames = typeof fs === 'number' ? fs : fs[0] + this.frameskipRng.int(fs[1] - fs[0]);
    const a = st.actionSet[action];
    let reward = 0;
    // Only the last frame of the skip is seen, so the ones before it run without drawing pixels.
    for (let i = 0; i < frames; i++) reward += st.ale.act(a, { render: i === frames - 1 });
    outcome.reward = reward;
    outcome.terminated = st.ale.gameOver(false);
    outcome.truncated = st.ale.gameTruncated();
  }

  private observe(out: ObsBuffer, offset: number): void {
    const ale = this.ensureStepper().ale;
    const direct = out instanceof Uint8Array && offset === 0 && out.length === this.frame.length;
    const target = direct ? (out as Uint8Array) : this.frame;
    if (this.config.obsType === 'rgb') ale.getScreenRGB(target);
    else if (this.config.obsType === 'grayscale') ale.getScreenGrayscale(target);
    else ale.getRAM(target);
    if (!direct) for (let i = 0; i < target.length; i++) out[offset + i] = target[i];
  }

  /** The current screen in colour (whatever the observation type). */
  render(): RgbFrame {
    const ale = this.ensureStepper().ale;
    return { width: ale.screenWidth, height: ale.screenHeight, data: ale.getScreenRGB() };
  }

  close(): void {
    this.stepper = null;
  }
}

/** Registers every Atari id of lib/atari (called lazily by the registry). */
export function registerAtariEnvs(): void {
  for (const id of atariEnvIds()) {
    register({
      id,
      description: `Atari ${atariEnvConfig(id).game} (frameskip ${JSON.stringify(atariEnvConfig(id).frameskip)}, sticky actions ${atariEnvConfig(id).repeatActionProbability})`,
      create: (o) => new AtariEnv(id, o as AtariOptions),
    });
  }
}
