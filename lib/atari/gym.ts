/**
 * Gymnasium-style Atari ids and their settings (ALE 0.12.1 registration; the Deterministic ids as
 * registered before ALE removed them), and a stepper that plays one episode stream the way
 * Gymnasium's AtariEnv drives ALE (frame skip applied outside ALE, terminated/truncated split).
 */
import { AleInterface } from './ale';
import { getGame, GAMES } from './games';
import { loadRom } from './roms';
import { Rng } from '../util/rng';
import { closestMatch } from '../util/text';

export type ObsType = 'rgb' | 'grayscale' | 'ram';

export interface AtariEnvConfig {
  id: string;
  /** ALE game id (`kung_fu_master`). */
  game: string;
  /** Frames per step: fixed, or [lo, hi) drawn uniformly on every step. */
  frameskip: number | readonly [number, number];
  repeatActionProbability: number;
  maxNumFramesPerEpisode: number;
  fullActionSpace: boolean;
  obsType: ObsType;
  mode?: number;
  difficulty?: number;
}

const VARIANTS: ReadonlyArray<{ suffix: (g: string) => string; frameskip: number | [number, number]; p: number }> = [
  { suffix: (g) => `${g}-v0`, frameskip: [2, 5], p: 0.25 },
  { suffix: (g) => `${g}-v4`, frameskip: [2, 5], p: 0 },
  { suffix: (g) => `${g}NoFrameskip-v0`, frameskip: 1, p: 0.25 },
  { suffix: (g) => `${g}NoFrameskip-v4`, frameskip: 1, p: 0 },
  { suffix: (g) => `${g}Deterministic-v0`, frameskip: 4, p: 0.25 },
  { suffix: (g) => `${g}Deterministic-v4`, frameskip: 4, p: 0 },
  { suffix: (g) => `ALE/${g}-v5`, frameskip: 4, p: 0.25 },
];

/** Every supported id. */
export function atariEnvIds(): string[] {
  return GAMES.flatMap((g) => VARIANTS.map((v) => v.suffix(g.gymName)));
}

/** The settings of an id, with optional overrides (obsType, mode, ...). */
export function atariEnvConfig(id: string, overrides: Partial<Omit<AtariEnvConfig, 'id' | 'game'>> = {}): AtariEnvConfig {
  for (const g of GAMES) {
    for (const v of VARIANTS) {
      if (v.suffix(g.gymName) !== id) continue;
      const config: AtariEnvConfig = {
        id,
        game: g.id,
        frameskip: v.frameskip,
        repeatActionProbability: v.p,
        maxNumFramesPerEpisode: 108000,
        fullActionSpace: false,
        obsType: 'rgb',
        ...overrides,
      };
      validateConfig(config);
      return config;
    }
  }
  const near = closestMatch(id, atariEnvIds());
  throw new Error(`Unknown Atari environment id '${id}'.${near ? ` Did you mean '${near}'?` : ''} Known ids: ${atariEnvIds().join(', ')}`);
}

function validateConfig(c: AtariEnvConfig): void {
  const fs = c.frameskip;
  if (typeof fs === 'number') {
    if (!Number.isInteger(fs) || fs < 1) throw new Error(`frameskip must be an integer >= 1, got ${fs}`);
  } else if (!Array.isArray(fs) || fs.length !== 2 || !Number.isInteger(fs[0]) || !Number.isInteger(fs[1]) || fs[0] < 1 || fs[1] <= fs[0]) {
    throw new Error(`frameskip must be an integer or a pair [lo, hi) with 1 <= lo < hi, got ${JSON.stringify(fs)}`);
  }
  if (!['rgb', 'grayscale', 'ram'].includes(c.obsType)) throw new Error(`obsType must be 'rgb', 'grayscale' or 'ram', got '${c.obsType}'`);
  if (!(c.repeatActionProbability >= 0 && c.repeatActionProbability <= 1)) {
    throw new Error(`repeatActionProbability must be in [0, 1], got ${c.repeatActionProbability}`);
  }
}

export interface StepInfo {
  lives: number;
  episodeFrameNumber: number;
  frameNumber: number;
}

export interface StepResult {
  obs: Uint8Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

/**
 * An AleInterface driven as Gymnasium's AtariEnv drives ALE. Actions are indices into
 * `actionSet` (the minimal set unless `fullActionSpace`). Observations: RGB (210x160x3),
 * grayscale (210x160) or RAM (128), freshly allocated per step.
 */
export class AtariStepper {
  readonly config: AtariEnvConfig;
  readonly actionSet: readonly number[];
  readonly ale: AleInterface;
  private frameskipRng: Rng;

  constructor(config: AtariEnvConfig, options: { seed?: number } = {}) {
    validateConfig(config);
    this.config = config;
    const seed = options.seed ?? 0;
    this.ale = new AleInterface(loadRom(config.game), {
      randomSeed: seed >>> 0,
      repeatActionProbability: config.repeatActionProbability,
      frameSkip: 1,
      maxNumFramesPerEpisode: config.maxNumFramesPerEpisode,
      mode: config.mode,
      difficulty: config.difficulty,
    });
    this.frameskipRng = new Rng(seed);
    const game = getGame(config.game);
    this.actionSet = config.fullActionSpace ? this.ale.getLegalActionSet() : [...game.minimalActions];
  }

  get numActions(): number {
    return this.actionSet.length;
  }

  /** Shape of one observation. */
  get observationShape(): number[] {
    const h = this.ale.screenHeight;
    if (this.config.obsType === 'rgb') return [h, 160, 3];
    if (this.config.obsType === 'grayscale') return [h, 160];
    return [128];
  }

  /** Starts a new episode (ALE reset_game). */
  reset(): { obs: Uint8Array; info: StepInfo } {
    this.ale.resetGame();
    return { obs: this.observe(), info: this.info() };
  }

  /** Plays one step: the action for `frameskip` frames (one draw per step for a range). */
  step(actionIndex: number): StepResult {
    if (!Number.isInteger(actionIndex) || actionIndex < 0 || actionIndex >= this.actionSet.length) {
      throw new Error(
        `Action index ${actionIndex} is outside the action space of ${this.config.id}: valid indices are 0..${this.actionSet.length - 1} ` +
          `(ALE actions ${this.actionSet.join(', ')}).`,
      );
    }
    const fs = this.config.frameskip;
    const frames = typeof fs === 'number' ? fs : fs[0] + this.frameskipRng.int(fs[1] - fs[0]);
    const action = this.actionSet[actionIndex];
    let reward = 0;
    // Only the last act's screen is observed: the others run without drawing.
    for (let i = 0; i < frames; i++) reward += this.ale.act(action, { render: i === frames - 1 });
    return {
      obs: this.observe(),
      reward,
      terminated: this.ale.gameOver(false),
      truncated: this.ale.gameTruncated(),
      info: this.info(),
    };
  }

  private observe(): Uint8Array {
    if (this.config.obsType === 'rgb') return this.ale.getScreenRGB();
    if (this.config.obsType === 'grayscale') return this.ale.getScreenGrayscale();
    return this.ale.getRAM();
  }

  private info(): StepInfo {
    return { lives: this.ale.lives(), episodeFrameNumber: this.ale.getEpisodeFrameNumber(), frameNumber: this.ale.getFrameNumber() };
  }
}

/** Builds a stepper from an id (and overrides). */
export function makeAtariStepper(id: string, options: { seed?: number } & Partial<Omit<AtariEnvConfig, 'id' | 'game'>> = {}): AtariStepper {
  const { seed, ...overrides } = options;
  return new AtariStepper(atariEnvConfig(id, overrides), { seed });
}
