import { readRam, ScoreRules, type GameSpec } from './game';

/**
 * Score from 0xCD (two BCD digits) and the low nibble of 0xCC (hundreds). Lives byte 0xB9; the game
 * counts as started once that byte reads 5, and is over when it is 0 after that.
 */
class BreakoutRules extends ScoreRules {
  private started = false;

  constructor() {
    super(5);
  }

  step(ram: Uint8Array): void {
    const x = readRam(ram, 0xcd);
    const y = readRam(ram, 0xcc);
    this.setScore((x & 0x0f) + 10 * (x >> 4) + 100 * (y & 0x0f));
    const livesByte = readRam(ram, 0xb9);
    if (!this.started && livesByte === 5) this.started = true;
    this.terminal = this.started && livesByte === 0;
    this.livesValue = livesByte;
  }

  override reset(): void {
    super.reset();
    this.started = false;
  }

  override saveState(): number[] {
    return [...super.saveState(), this.started ? 1 : 0];
  }

  override loadState(s: readonly number[]): void {
    super.loadState(s);
    this.started = s[4] === 1;
  }
}

export const breakout: GameSpec = {
  id: 'breakout',
  gymName: 'Breakout',
  title: 'Breakout',
  md5: 'f34f08e5eb96e500e851a80be3277a56',
  otherMd5: [],
  minimalActions: [0, 1, 3, 4],
  modes: [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44],
  defaultMode: 0,
  difficulties: [0, 1],
  controller: 'paddles',
  rightController: 'joystick',
  swapPaddles: false,
  modeSelect: { address: 0xb2, selectFrames: 1, acceptHighBit: false },
  createRules: () => new BreakoutRules(),
};
