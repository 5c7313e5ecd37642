import { bcd, readRam, ScoreRules, type GameSpec } from './game';

/** Score: BCD pairs at 0xA7 (high) and 0xA8 (low), in hundreds. Lives byte 0xAD: 0xFF = game over. */
class KangarooRules extends ScoreRules {
  constructor() {
    super(3);
  }

  step(ram: Uint8Array): void {
    this.setScore(100 * (100 * bcd(readRam(ram, 0xa7)) + bcd(readRam(ram, 0xa8))));
    const livesByte = readRam(ram, 0xad);
    this.terminal = livesByte === 0xff;
    this.livesValue = (livesByte & 0x7) + 1;
  }
}

export const kangaroo: GameSpec = {
  id: 'kangaroo',
  gymName: 'Kangaroo',
  title: 'Kangaroo',
  md5: '4326edb70ff20d0ee5ba58fa5cb09d60',
  otherMd5: [],
  minimalActions: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
  modes: [0, 1],
  defaultMode: 0,
  difficulties: [0],
  controller: 'joystick',
  rightController: 'joystick',
  swapPaddles: false,
  modeSelect: { address: 0xba, selectFrames: 2, acceptHighBit: true },
  createRules: () => new KangarooRules(),
};
