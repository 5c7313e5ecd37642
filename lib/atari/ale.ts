/**
 * `AleInterface`: the Arcade Learning Environment's protocol (ALE 0.12.1) on top of our console.
 * Reset sequence, frame skip, sticky actions, paddles, rewards, lives, episode ends, screens and
 * frame counters behave as ALE's StellaEnvironment does (see ../shared/reference/ale/FACTS.md).
 */
import { Atari2600, DEFAULT_SYSTEM_RANDOM_SEED, JOY_DOWN, JOY_FIRE, JOY_LEFT, JOY_RIGHT, JOY_UP } from './console';
import { Cartridge } from './cartridge';
import { loadRom, type LoadedRom } from './roms';
import type { GameRules, GameSpec } from './games';
import { screenToGrayscale, screenToRgb } from './palette';
import { Mt19937 } from '../util/rng';

/** ALE action ids (player A). */
export const Action = {
  NOOP: 0,
  FIRE: 1,
  UP: 2,
  RIGHT: 3,
  LEFT: 4,
  DOWN: 5,
  UPRIGHT: 6,
  UPLEFT: 7,
  DOWNRIGHT: 8,
  DOWNLEFT: 9,
  UPFIRE: 10,
  RIGHTFIRE: 11,
  LEFTFIRE: 12,
  DOWNFIRE: 13,
  UPRIGHTFIRE: 14,
  UPLEFTFIRE: 15,
  DOWNRIGHTFIRE: 16,
  DOWNLEFTFIRE: 17,
} as const;

export const ACTION_NAMES: readonly string[] = Object.keys(Action);

/** ALE's internal RESET pseudo-action (console RESET switch held). */
const RESET = 40;

/** Joystick bits of each action 0..17. */
const ACTION_JOY = new Uint8Array(18);
for (let a = 0; a < 18; a++) {
  const name = ACTION_NAMES[a];
  let bits = 0;
  if (name.includes('UP')) bits |= JOY_UP;
  if (name.includes('DOWN')) bits |= JOY_DOWN;
  if (name.includes('LEFT')) bits |= JOY_LEFT;
  if (name.includes('RIGHT')) bits |= JOY_RIGHT;
  if (name.includes('FIRE')) bits |= JOY_FIRE;
  ACTION_JOY[a] = bits;
}

// Paddle constants of ALE (ale_state.hpp).
export const PADDLE_DELTA = 23000;
export const PADDLE_MIN = 27450;
export const PADDLE_MAX = 790196;
export const PADDLE_DEFAULT = Math.trunc((PADDLE_MIN + PADDLE_MAX) / 2);

const NOOP_RESET_FRAMES = 60;
/** The most frames run without drawing in a row; the next one is drawn (and checked). */
const MAX_UNDRAWN_FRAMES = 32;
/** Drawn frames in a row not drawn in full by themselves after which every frame is drawn. */
const FRAMES_NOT_IN_FULL_TO_DRAW_ALL = 4;
/** Drawn frames in a row drawn in full after which undrawn frames are used again. */
const FRAMES_IN_FULL_TO_SKIP_AGAIN = 256;
const SOFT_RESET_FRAMES = 4;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export interface AleOptions {
  /** Seed of the sticky-action generator (ALE's `random_seed`). Default 0. */
  randomSeed?: number;
  /** Probability of repeating the previous action on each frame. Default 0.25, as ALE. */
  repeatActionProbability?: number;
  /** Frames emulated per `act()`. Default 1. */
  frameSkip?: number;
  /** Truncate episodes at this many frames (0: no limit). Default 0. */
  maxNumFramesPerEpisode?: number;
  truncateOnLossOfLife?: boolean;
  /** Game mode (must be one the game offers). Default: the game's default mode. */
  mode?: number;
  /** Difficulty (bit 0: left switch A, bit 1: right switch A). Default 0. */
  difficulty?: number;
  /** Seed of the console's own generator (power-on RAM, timer). Default 4753849. */
  systemRandomSeed?: number;
  rewardMin?: number;
  rewardMax?: number;
}

/** Options of `AleInterface.act`. */
export interface ActOptions {
  /** Paddle strength (ALE's paddle_strength), default 1. */
  paddleStrength?: number;
  /**
   * false: nobody looks at the screen after this step, so its frames are not drawn (collisions,
   * RAM, rewards and timing stay exact); the screen keeps showing the last drawn frame. For
   * frame-skip-1 users who repeat an action themselves: pass `render: false` on all but the last
   * act of a group. The next drawn frame is exact as long as it is drawn in full by itself, which
   * is checked (otherwise the undrawn frames are replayed with drawing). Default true.
   */
  render?: boolean;
}

/** A saved environment state (see `cloneState`). */
export interface AleState {
  readonly console: Uint8Array;
  readonly rules: readonly number[];
  readonly screen: Uint8Array;
  readonly frame: number;
  readonly episodeFrame: number;
  readonly paddles: readonly [number, number];
  readonly stickyAction: number;
  readonly stickyStrength: number;
  readonly rng: { mt: number[]; index: number } | null;
}

function checkNumber(name: string, v: number, ok: boolean, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok) throw new Error(`${name} must be ${what}, got ${v}`);
}

export class AleInterface {
  readonly game: GameSpec;
  readonly rom: LoadedRom;
  readonly console: Atari2600;
  readonly options: Readonly<Required<AleOptions>>;

  private readonly rules: GameRules;
  private readonly envRng: Mt19937;
  private readonly screenBuffer: Uint8Array;
  private readonly legal: readonly number[] = Array.from({ length: 18 }, (_, i) => i);
  private readonly maxLives: number;
  private frame = 0;
  private episodeFrame = 0;
  private paddleA = PADDLE_DEFAULT;
  private paddleB = PADDLE_DEFAULT;
  private stickyA = 0;
  private stickyStrength = 1;
  private readonly usePaddles: boolean;

  // Replaying frames that were run without drawing (see playFrame).
  private replayStart: Uint8Array | null = null;
  private replayPaddleA = PADDLE_DEFAULT;
  private replayPaddleB = PADDLE_DEFAULT;
  private readonly replayActions = new Uint8Array(MAX_UNDRAWN_FRAMES);
  private readonly replayStrengths = new Float64Array(MAX_UNDRAWN_FRAMES);
  /** 0: no undrawn run in progress; else 1 + the frames recorded since `replayStart`. */
  private undrawnFrames = 0;
  /** Set while the game shows frames not drawn in full by themselves: then every frame is drawn. */
  private drawEveryFrame = false;
  private framesNotInFull = 0;
  private framesInFull = 0;
  private redraws = 0;

  /** Loads a ROM (game name, file path, or an already loaded ROM) and resets the game, as ALE's loadROM. */
  static loadROM(rom: string | LoadedRom, options: AleOptions = {}): AleInterface {
    return new AleInterface(typeof rom === 'string' ? loadRom(rom) : rom, options);
  }

  constructor(rom: LoadedRom, options: AleOptions = {}) {
    const game = rom.game;
    const o: Required<AleOptions> = {
      randomSeed: options.randomSeed ?? 0,
      repeatActionProbability: options.repeatActionProbability ?? 0.25,
      frameSkip: options.frameSkip ?? 1,
      maxNumFramesPerEpisode: options.maxNumFramesPerEpisode ?? 0,
      truncateOnLossOfLife: options.truncateOnLossOfLife ?? false,
      mode: options.mode ?? game.defaultMode,
      difficulty: options.difficulty ?? 0,
      systemRandomSeed: options.systemRandomSeed ?? DEFAULT_SYSTEM_RANDOM_SEED,
      rewardMin: options.rewardMin ?? INT_MIN,
      rewardMax: options.rewardMax ?? INT_MAX,
    };
    checkNumber(
      'randomSeed',
      o.randomSeed,
      Number.isInteger(o.randomSeed) && o.randomSeed >= 0 && o.randomSeed <= 0xffffffff,
      'an integer in 0..2^32-1',
    );
    checkNumber(
      'repeatActionProbability',
      o.repeatActionProbability,
      o.repeatActionProbability >= 0 && o.repeatActionProbability <= 1,
      'a probability in [0, 1]',
    );
    checkNumber('frameSkip', o.frameSkip, Number.isInteger(o.frameSkip) && o.frameSkip >= 1, 'an integer >= 1');
    checkNumber(
      'maxNumFramesPerEpisode',
      o.maxNumFramesPerEpisode,
      Number.isInteger(o.maxNumFramesPerEpisode) && o.maxNumFramesPerEpisode >= 0,
      'an integer >= 0',
    );
    if (!game.modes.includes(o.mode))
      throw new Error(`Mode ${o.mode} does not exist for ${game.id}; available modes: ${game.modes.join(', ')}`);
    if (!game.difficulties.includes(o.difficulty)) {
      throw new Error(`Difficulty ${o.difficulty} does not exist for ${game.id}; available: ${game.difficulties.join(', ')}`);
    }
    this.game = game;
    this.rom = rom;
    this.options = o;
    this.usePaddles = game.controller === 'paddles';
    this.console = new Atari2600(new Cartridge(rom.bytes), {
      systemRandomSeed: o.systemRandomSeed,
      leftController: game.controller === 'paddles' ? 'paddles' : 'joystick',
      rightController: game.rightController,
      swapPaddles: game.swapPaddles,
    });
    this.screenBuffer = new Uint8Array(this.console.screen.length);
    this.rules = game.createRules();
    this.maxLives = this.rules.lives();
    this.envRng = new Mt19937(o.randomSeed);
    this.resetGame();
  }

  // ---------------------------------------------------------------------------------------------
  // Episodes
  // ---------------------------------------------------------------------------------------------

  /** ALE's reset_game: system reset, 60 NOOP frames, soft resets, mode selection. Counters do not advance. */
  resetGame(): void {
    this.undrawnFrames = 0;
    this.episodeFrame = 0;
    this.paddleA = this.paddleB = PADDLE_DEFAULT;
    this.console.systemReset();
    this.emulate(Action.NOOP, NOOP_RESET_FRAMES);
    this.softReset();
    this.rules.reset();
    this.selectMode(this.options.mode);
    this.softReset();
  }

  private softReset(): void {
    this.emulate(RESET, SOFT_RESET_FRAMES);
    this.stickyA = Action.NOOP;
    this.stickyStrength = 1;
  }

  /** RomSettings::setMode: press SELECT until the mode byte shows the mode, then a soft reset. */
  private selectMode(mode: number): void {
    const sel = this.game.modeSelect;
    if (!sel) {
      if (mode !== this.game.defaultMode) throw new Error(`${this.game.id} has no selectable modes`);
      return;
    }
    const matches = (): boolean => {
      const byte = this.console.ram[sel.address & 0x7f];
      return byte === mode || (sel.acceptHighBit && byte === mode + 0x80);
    };
    for (let presses = 0; !matches(); presses++) {
      if (presses > 256) throw new Error(`Could not select mode ${mode} of ${this.game.id}: the mode byte never showed it`);
      this.pressSelect(sel.selectFrames);
    }
    this.softReset();
  }

  private pressSelect(frames: number): void {
    for (let t = 0; t < frames; t++) {
      this.applyInputs(Action.NOOP, 1, true, false);
      this.console.runFrame();
    }
    this.screenBuffer.set(this.console.screen);
    this.emulate(Action.NOOP, 1);
    this.frame++;
    this.episodeFrame++;
  }

  /**
   * Plays one agent step: `frameSkip` frames with sticky actions; returns the summed reward
   * (clamped to [rewardMin, rewardMax]). Throws for an action outside the legal set.
   *
   * The second argument is the paddle strength (default 1) or `ActOptions`. Only the screen of the
   * last frame of a step can be observed, so the frames before it are run without drawing (their
   * collisions, RAM and timing are exact); see `ActOptions.render` to skip drawing that one too.
   */
  act(action: number, options: number | ActOptions = 1): number {
    if (!Number.isInteger(action) || action < 0 || action > 17) {
      throw new Error(
        `Illegal action ${action}: legal ALE actions are the integers 0..17 (${ACTION_NAMES.map((n, i) => `${i} ${n}`).join(', ')}).`,
      );
    }
    let paddleStrength = 1;
    let render = true;
    if (typeof options === 'number') paddleStrength = options;
    else if (options !== null && typeof options === 'object') {
      if (options.paddleStrength !== undefined) paddleStrength = options.paddleStrength;
      if (options.render !== undefined) render = options.render !== false;
    }
    if (typeof paddleStrength !== 'number' || !Number.isFinite(paddleStrength)) {
      throw new Error(`act: the paddle strength must be a finite number, got ${paddleStrength}`);
    }
    const p = this.options.repeatActionProbability;
    const frames = this.options.frameSkip;
    let sum = 0;
    for (let i = 0; i < frames; i++) {
      if (this.nextDouble() >= p) {
        this.stickyA = action;
        this.stickyStrength = paddleStrength;
      }
      this.nextDouble(); // player B's draw (its action is always NOOP)
      if (this.isTerminal()) continue;
      const draw = this.drawEveryFrame || (render && i === frames - 1) || this.undrawnFrames >= MAX_UNDRAWN_FRAMES - 1;
      this.playFrame(this.stickyA, this.stickyStrength, draw);
      this.frame++;
      this.episodeFrame++;
      sum += this.rules.reward;
    }
    if (render) {
      // Frames still undrawn here (the episode ended before the step's last frame, or earlier
      // steps ran with render: false): draw them, to show the last frame that ran.
      if (this.undrawnFrames > 0) this.redrawUndrawnFrames();
      this.screenBuffer.set(this.console.screen);
    }
    return Math.min(Math.max(sum, this.options.rewardMin), this.options.rewardMax);
  }

  /**
   * How many times a step's screen had to be redrawn by replaying frames that were run without
   * drawing (at an episode end inside a step, or for a game that does not draw its whole picture
   * every frame). Diagnostics: for the supported games it stays small.
   */
  get screenRedraws(): number {
    return this.redraws;
  }

  /** True while the game shows frames it does not draw in full by themselves: every frame is then drawn. */
  get drawingEveryFrame(): boolean {
    return this.drawEveryFrame;
  }

  /**
   * One agent frame. An undrawn frame first records what is needed to run it again with drawing:
   * the console state before the first undrawn frame of a run, then each frame's input. A drawn
   * frame after such a run must be drawn in full by itself (its picture then cannot depend on the
   * undrawn frames); otherwise the run is replayed with drawing.
   */
  private playFrame(action: number, strength: number, draw: boolean): void {
    if (!draw && this.undrawnFrames === 0) this.saveReplayStart();
    if (this.undrawnFrames > 0) {
      this.replayActions[this.undrawnFrames - 1] = action;
      this.replayStrengths[this.undrawnFrames - 1] = strength;
      this.undrawnFrames++;
    }
    this.applyInputs(action, strength, false, true);
    this.console.runFrame(draw);
    this.rules.step(this.console.ram);
    if (!draw) return;
    if (this.console.tia.frameDrawnInFull) {
      if (this.undrawnFrames > 0) this.console.tia.endPreserving(true);
      this.noteFrameCheck(true);
    } else {
      this.noteFrameCheck(false);
      if (this.undrawnFrames > 0) this.redrawUndrawnFrames();
    }
    this.undrawnFrames = 0;
  }

  /**
   * Keeps `drawEveryFrame` in step with the game: on after a few frames in a row that were not
   * drawn in full by themselves (replaying every step would then cost more than drawing), off again
   * after a long run of frames that were.
   */
  private noteFrameCheck(drawnInFull: boolean): void {
    if (drawnInFull) {
      this.framesNotInFull = 0;
      if (this.drawEveryFrame && ++this.framesInFull >= FRAMES_IN_FULL_TO_SKIP_AGAIN) this.drawEveryFrame = false;
    } else {
      this.framesInFull = 0;
      if (++this.framesNotInFull >= FRAMES_NOT_IN_FULL_TO_DRAW_ALL) this.drawEveryFrame = true;
    }
  }

  private saveReplayStart(): void {
    if (this.replayStart === null) this.replayStart = new Uint8Array(this.console.stateSize);
    // Without the frame buffers (the TIA keeps them restorable instead): no 100 KB copy per step.
    this.console.saveState(this.replayStart, { rng: false, frameBuffers: false });
    this.console.tia.preserveFrameBuffers();
    this.replayPaddleA = this.paddleA;
    this.replayPaddleB = this.paddleB;
    this.undrawnFrames = 1;
  }

  /** Runs the recorded frames again from the saved console state, this time drawing them. */
  private redrawUndrawnFrames(): void {
    const n = this.undrawnFrames - 1;
    this.undrawnFrames = 0;
    if (n <= 0 || this.replayStart === null) {
      this.console.tia.endPreserving(false);
      return;
    }
    this.console.loadState(this.replayStart);
    this.paddleA = this.replayPaddleA;
    this.paddleB = this.replayPaddleB;
    for (let k = 0; k < n; k++) {
      this.applyInputs(this.replayActions[k], this.replayStrengths[k], false, true);
      this.console.runFrame(true);
    }
    this.redraws++;
  }

  private nextDouble(): number {
    return this.envRng.nextU32() / 4294967296;
  }

  /** Game over: the game ended, or (with truncation, the default) the episode was truncated. */
  gameOver(withTruncation = true): boolean {
    return withTruncation ? this.isTerminal() : this.rules.terminal;
  }

  gameTruncated(): boolean {
    let truncated = false;
    const max = this.options.maxNumFramesPerEpisode;
    if (max > 0) truncated = this.episodeFrame >= max;
    if (this.options.truncateOnLossOfLife) truncated ||= this.rules.lives() < this.maxLives;
    return truncated;
  }

  private isTerminal(): boolean {
    return this.rules.terminal || this.gameTruncated();
  }

  lives(): number {
    return this.rules.lives();
  }

  getFrameNumber(): number {
    return this.frame;
  }

  getEpisodeFrameNumber(): number {
    return this.episodeFrame;
  }

  getLegalActionSet(): number[] {
    return [...this.legal];
  }

  getMinimalActionSet(): number[] {
    return [...this.game.minimalActions];
  }

  getAvailableModes(): number[] {
    return [...this.game.modes];
  }

  getAvailableDifficulties(): number[] {
    return [...this.game.difficulties];
  }

  // ---------------------------------------------------------------------------------------------
  // Observations
  // ---------------------------------------------------------------------------------------------

  get screenHeight(): number {
    return this.screenBuffer.length / 160;
  }

  get screenWidth(): number {
    return 160;
  }

  /** The last frame as palette indices (height x 160, row-major). Copies into `out` when given. */
  getScreen(out?: Uint8Array): Uint8Array {
    if (!out) return this.screenBuffer.slice();
    if (out.length < this.screenBuffer.length)
      throw new Error(`getScreen: output needs ${this.screenBuffer.length} bytes, got ${out.length}`);
    out.set(this.screenBuffer);
    return out;
  }

  /** A read-only view of the last frame's palette indices (valid until the next act/reset). */
  get screenView(): Uint8Array {
    return this.screenBuffer;
  }

  getScreenRGB(out?: Uint8Array): Uint8Array {
    return screenToRgb(this.screenBuffer, out);
  }

  getScreenGrayscale(out?: Uint8Array): Uint8Array {
    return screenToGrayscale(this.screenBuffer, out);
  }

  /** The 128 RIOT RAM bytes (index i = address 0x80 + i), a copy. */
  getRAM(out?: Uint8Array): Uint8Array {
    if (!out) return this.console.ram.slice();
    out.set(this.console.ram);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // States
  // ---------------------------------------------------------------------------------------------

  /**
   * Everything needed to continue exactly from here. With `includeRng`, the sticky-action generator
   * too (ALE's cloneState(include_rng)); the stored previous action is always included.
   */
  cloneState(options: { includeRng?: boolean } = {}): AleState {
    return {
      console: this.console.saveState(),
      rules: this.rules.saveState(),
      screen: this.screenBuffer.slice(),
      frame: this.frame,
      episodeFrame: this.episodeFrame,
      paddles: [this.paddleA, this.paddleB],
      stickyAction: this.stickyA,
      stickyStrength: this.stickyStrength,
      rng: options.includeRng ? this.envRng.getState() : null,
    };
  }

  restoreState(state: AleState): void {
    if (!state || !(state.console instanceof Uint8Array) || !Array.isArray(state.rules)) {
      throw new Error('restoreState expects an object returned by cloneState()');
    }
    this.console.loadState(state.console);
    this.undrawnFrames = 0;
    this.rules.loadState(state.rules);
    this.screenBuffer.set(state.screen);
    this.frame = state.frame;
    this.episodeFrame = state.episodeFrame;
    [this.paddleA, this.paddleB] = state.paddles;
    this.stickyA = state.stickyAction;
    this.stickyStrength = state.stickyStrength;
    if (state.rng) this.envRng.setState(state.rng);
  }

  // ---------------------------------------------------------------------------------------------
  // Emulation
  // ---------------------------------------------------------------------------------------------

  /** Runs `frames` frames with player A's action (player B idle), updating the game rules after each. */
  private emulate(action: number, frames: number, strength = 1): void {
    const ram = this.console.ram;
    for (let t = 0; t < frames; t++) {
      this.applyInputs(action, strength, false, true);
      this.console.runFrame();
      this.rules.step(ram);
    }
    this.screenBuffer.set(this.console.screen);
  }

  /** Sets controllers and switches for one frame, as ALE's applyActionJoysticks / applyActionPaddles. */
  private applyInputs(action: number, strength: number, select: boolean, movePaddles: boolean): void {
    const isReset = action === RESET;
    const a = isReset ? Action.NOOP : action;
    const c = this.console;
    if (this.usePaddles) {
      const bits = ACTION_JOY[a];
      if (movePaddles) {
        const delta = Math.trunc(PADDLE_DELTA * Math.abs(strength));
        if (bits & JOY_RIGHT) this.paddleA -= delta;
        else if (bits & JOY_LEFT) this.paddleA += delta;
        this.paddleA = Math.min(Math.max(this.paddleA, PADDLE_MIN), PADDLE_MAX);
        this.paddleB = Math.min(Math.max(this.paddleB, PADDLE_MIN), PADDLE_MAX);
      }
      c.setPaddle(0, this.paddleA, (bits & JOY_FIRE) !== 0);
      c.setPaddle(1, this.paddleB, false);
    } else {
      c.setJoystick(0, ACTION_JOY[a]);
      c.setJoystick(1, 0);
    }
    const d = this.options.difficulty;
    c.setSwitches({ reset: isReset, select, colour: true, leftDifficultyA: (d & 1) !== 0, rightDifficultyA: (d & 2) !== 0 });
  }
}
