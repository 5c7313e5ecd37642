/**
 * Atari games as Envs: the Gymnasium ids of lib/atari (`KungFuMasterDeterministic-v0`,
 * `KungFuMasterNoFrameskip-v4`, `ALE/KungFuMaster-v5`, and the same for Kangaroo, Breakout, Pong)
 * played on lib/atari's `AleInterface` the way Gymnasium's AtariEnv drives ALE (frame skip applied
 * here, one ALE frame per `act`; terminated and truncated apart), with an allocation-free step for
 * vector envs. Also the training families built on them (`Preprocessed42/<id>`, see training-envs.ts).
 */
import { ACTION_NAMES, AleInterface } from '../atari/ale';
import { getGame } from '../atari/games';
import { atariEnvConfig, atariEnvIds, type AtariEnvConfig, type ObsType } from '../atari/gym';
import { PALETTE_RGB } from '../atari/palette';
import { loadRom } from '../atari/roms';
import { Rng } from '../util/rng';
import {
  invalidAction,
  StepOutcome,
  type Env,
  type FastEnv,
  type Info,
  type PalettedEnv,
  type ObsBuffer,
  type ResetArgs,
  type ResetResult,
  type RgbFrame,
  type StepResult,
} from './core';
import type { MakeOptions, Registration } from './registry';
import { Box, Discrete } from './spaces';
import { EpisodicLife } from './wrappers/episodic-life';
import { PreprocessAtari } from './wrappers/preprocess-atari';

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

const KNOWN = [
  'seed',
  'obsType',
  'frameskip',
  'repeatActionProbability',
  'fullActionSpace',
  'maxNumFramesPerEpisode',
  'mode',
  'difficulty',
];

export class AtariEnv implements Env<Uint8Array, number>, FastEnv<number>, PalettedEnv<number> {
  readonly config: AtariEnvConfig;
  readonly actionSpace: Discrete;
  readonly observationSpace: Box<'uint8'>;
  /** ALE actions of the action indices: the game's minimal set, or all 18 with `fullActionSpace`. */
  readonly actionSet: readonly number[];
  /** The emulator; a seeded reset replaces it with one seeded anew, as Gymnasium's `reset(seed)` does. */
  private ale: AleInterface;
  /** Draws the frame count of each step when `frameskip` is a range [lo, hi). */
  private frameskipRng: Rng;
  private readonly frame: Uint8Array;
  private readonly outcome = new StepOutcome();

  constructor(
    readonly id: string,
    options: AtariOptions = {},
  ) {
    for (const k of Object.keys(options)) {
      if (!KNOWN.includes(k)) throw new Error(`${id}: unknown option '${k}'. Known options: ${KNOWN.join(', ')}`);
    }
    const { seed, ...overrides } = options;
    this.config = atariEnvConfig(id, overrides);
    const s = seed ?? Math.floor(Math.random() * 2 ** 31);
    this.ale = this.newAle(s);
    this.frameskipRng = new Rng(s);
    this.actionSet = this.config.fullActionSpace ? this.ale.getLegalActionSet() : [...getGame(this.config.game).minimalActions];
    this.actionSpace = new Discrete(this.actionSet.length);
    const h = this.ale.screenHeight;
    const shape = this.config.obsType === 'rgb' ? [h, 160, 3] : this.config.obsType === 'grayscale' ? [h, 160] : [128];
    this.observationSpace = new Box(0, 255, shape, 'uint8');
    this.frame = new Uint8Array(this.observationSpace.size);
  }

  private newAle(seed: number): AleInterface {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`${this.id}: the seed must be an integer in 0..2^32-1, got ${seed}`);
    const c = this.config;
    return new AleInterface(loadRom(c.game), {
      randomSeed: seed >>> 0,
      repeatActionProbability: c.repeatActionProbability,
      frameSkip: 1,
      maxNumFramesPerEpisode: c.maxNumFramesPerEpisode,
      mode: c.mode,
      difficulty: c.difficulty,
    });
  }

  /** The names of the actions, as Gymnasium's `get_action_meanings()`. */
  getActionMeanings(): string[] {
    return this.actionSet.map((a) => ACTION_NAMES[a]);
  }

  /** Lives left, as ALE reports them. */
  lives(): number {
    return this.ale.lives();
  }

  private info(): Info {
    const ale = this.ale;
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
    return this.ale.screenView;
  }

  /** 'new' until the first reset, 'running' after it, 'closed' after close(): Gymnasium's order of calls. */
  private phase: 'new' | 'running' | 'closed' = 'new';

  resetScreen(args: ResetArgs = {}): void {
    if (this.phase === 'closed') throw new Error(`${this.id}: the environment is closed; make a new one (envs.make('${this.id}'))`);
    if (args.options && Object.keys(args.options).length)
      throw new Error(`${this.id}: reset takes no options (got ${Object.keys(args.options).join(', ')})`);
    if (args.seed !== undefined) {
      this.ale = this.newAle(args.seed);
      this.frameskipRng = new Rng(args.seed);
    }
    this.ale.resetGame();
    this.phase = 'running';
  }

  stepScreen(action: number, outcome: StepOutcome): void {
    if (this.phase !== 'running')
      throw new Error(
        this.phase === 'new'
          ? `${this.id}.step: call reset() before step()`
          : `${this.id}.step: the environment is closed; make a new one (envs.make('${this.id}'))`,
      );
    if (!this.actionSpace.contains(action)) throw invalidAction(action, this.actionSpace, `${this.id}.step`);
    const ale = this.ale;
    const fs = this.config.frameskip;
    const frames = typeof fs === 'number' ? fs : fs[0] + this.frameskipRng.int(fs[1] - fs[0]);
    const a = this.actionSet[action];
    let reward = 0;
    // Only the last frame of the skip is seen, so the ones before it run without drawing pixels.
    for (let i = 0; i < frames; i++) reward += ale.act(a, { render: i === frames - 1 });
    outcome.reward = reward;
    outcome.terminated = ale.gameOver(false);
    outcome.truncated = ale.gameTruncated();
  }

  private observe(out: ObsBuffer, offset: number): void {
    const ale = this.ale;
    const direct = out instanceof Uint8Array && offset === 0 && out.length === this.frame.length;
    const target = direct ? (out as Uint8Array) : this.frame;
    if (this.config.obsType === 'rgb') ale.getScreenRGB(target);
    else if (this.config.obsType === 'grayscale') ale.getScreenGrayscale(target);
    else ale.getRAM(target);
    if (!direct) for (let i = 0; i < target.length; i++) out[offset + i] = target[i];
  }

  /** The current screen in colour (whatever the observation type). */
  render(): RgbFrame {
    const ale = this.ale;
    return { width: ale.screenWidth, height: ale.screenHeight, data: ale.getScreenRGB() };
  }

  close(): void {
    // Nothing to release (the emulator is plain memory), but stepping or resetting a closed env is a mistake.
    this.phase = 'closed';
  }
}

/** The training family of the whole screen: 42x42 greyscale, 4 stacked frames, channels-last. */
export const PREPROCESSED_PREFIX = 'Preprocessed42/';
/** The same after Practical_RL's crop (rows 60..180, columns 5..160: the playfield without the score bars). */
export const CROPPED_PREFIX = 'Preprocessed42Crop/';
/** The whole screen at 84x84 (greyscale, 4 stacked frames, channels-last): twice the resolution each way, for games whose objects vanish at 42x42. */
export const PREPROCESSED84_PREFIX = 'Preprocessed84/';

/** Options of the training envs beyond the Atari ones. */
export interface TrainingEnvOptions {
  /** Add EpisodicLife: a lost life ends the learner's episode while the game goes on. */
  episodicLife?: boolean;
}

function preprocessed(id: string, crop: 'none' | 'practical_rl', options: MakeOptions, size = 42): Env<Float32Array, number> {
  const { episodicLife, ...atariOptions } = options as MakeOptions & TrainingEnvOptions;
  const env = new PreprocessAtari(new AtariEnv(id, atariOptions as AtariOptions), {
    crop,
    channelOrder: 'channels-last',
    height: size,
    width: size,
  });
  return episodicLife ? new EpisodicLife(env) : env;
}

/** Every Atari id of lib/atari, and its three training families (the registry adds them when first asked). */
export function atariRegistrations(): Registration[] {
  return atariEnvIds().flatMap((id): Registration[] => {
    const c = atariEnvConfig(id);
    return [
      {
        id,
        description: `Atari ${c.game} (frameskip ${JSON.stringify(c.frameskip)}, sticky actions ${c.repeatActionProbability})`,
        create: (o) => new AtariEnv(id, o as AtariOptions),
      },
      {
        id: PREPROCESSED_PREFIX + id,
        description: `${id}, preprocessed: 42x42 greyscale, 4 stacked frames, channels-last`,
        create: (o) => preprocessed(id, 'none', o),
      },
      {
        id: CROPPED_PREFIX + id,
        description: `${id}, Practical_RL's crop, then 42x42 greyscale, 4 stacked frames, channels-last`,
        create: (o) => preprocessed(id, 'practical_rl', o),
      },
      {
        id: PREPROCESSED84_PREFIX + id,
        description: `${id}, preprocessed: 84x84 greyscale, 4 stacked frames, channels-last`,
        create: (o) => preprocessed(id, 'none', o, 84),
      },
    ];
  });
}
