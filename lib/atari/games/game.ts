/**
 * What the environment layer needs to know about one game: ROM identity, controller, actions,
 * modes, and how score, lives and the end of a game are read from RAM (as ALE's RomSettings do).
 */

/** The game-specific bookkeeping ALE's RomSettings keep, updated after every emulated frame. */
export interface GameRules {
  /** Reads the RAM after a frame: updates score, reward, terminal flag and lives. */
  step(ram: Uint8Array): void;
  /** Clears the bookkeeping (score baseline, reward, terminal flag, lives), as at a game reset. */
  reset(): void;
  /** Score change over the last frame. */
  readonly reward: number;
  /** True once the game is over. */
  readonly terminal: boolean;
  /** Lives as ALE reports them (0 once terminal for games with lives). */
  lives(): number;
  saveState(): number[];
  loadState(state: readonly number[]): void;
}

/** How ALE selects a game mode: press SELECT until the mode byte shows the wanted mode. */
export interface ModeSelect {
  /** RAM address (0x80-0xFF) of the mode byte. */
  address: number;
  /** Frames SELECT is held per press. */
  selectFrames: number;
  /** Whether the byte may also read mode + 0x80. */
  acceptHighBit: boolean;
}

export interface GameSpec {
  /** ALE's ROM name, also the ROM file stem: `kung_fu_master`. */
  id: string;
  /** Name used in Gymnasium ids: `KungFuMaster`. */
  gymName: string;
  title: string;
  /** The md5 ALE expects (its `md5()`), and other releases it runs the same way. */
  md5: string;
  otherMd5: readonly { md5: string; release: string }[];
  /** ALE's minimal action set, in id order. */
  minimalActions: readonly number[];
  modes: readonly number[];
  defaultMode: number;
  difficulties: readonly number[];
  /** Controller in the left jack (player A) and in the right jack (Stella's Controller.Left/Right). */
  controller: 'joystick' | 'paddles';
  rightController: 'joystick' | 'paddles';
  /** Stella's SwapPaddles property: player A's paddle is wired to INPT1 and pin Three. */
  swapPaddles: boolean;
  /** Mode selection scheme (absent: the game has a single mode). */
  modeSelect?: ModeSelect;
  createRules(): GameRules;
}

/** The RAM byte at an address 0x80-0xFF (ALE's readRam masks the offset with 0x7F). */
export function readRam(ram: Uint8Array, address: number): number {
  return ram[address & 0x7f];
}

/** A packed-BCD byte as a number: 10 * high nibble + low nibble. */
export function bcd(byte: number): number {
  return 10 * (byte >> 4) + (byte & 0x0f);
}

/** Shared bookkeeping: score/reward/terminal/lives with a plain-number state. */
export abstract class ScoreRules implements GameRules {
  reward = 0;
  terminal = false;
  protected score = 0;
  protected livesValue = 0;

  constructor(private readonly initialLives: number) {
    this.livesValue = initialLives;
  }

  abstract step(ram: Uint8Array): void;

  protected setScore(score: number): void {
    this.reward = score - this.score;
    this.score = score;
  }

  reset(): void {
    this.reward = 0;
    this.score = 0;
    this.terminal = false;
    this.livesValue = this.initialLives;
  }

  lives(): number {
    return this.terminal ? 0 : this.livesValue;
  }

  saveState(): number[] {
    return [this.reward, this.score, this.terminal ? 1 : 0, this.livesValue];
  }

  loadState(s: readonly number[]): void {
    [this.reward, this.score] = [s[0], s[1]];
    this.terminal = s[2] === 1;
    this.livesValue = s[3];
  }
}
