import { readRam, ScoreRules, type GameSpec } from './game';

/** Plain binary scores: computer at 0x8D, player at 0x8E; score = player - computer; over at 21. */
class PongRules extends ScoreRules {
  constructor() {
    super(0);
  }

  step(ram: Uint8Array): void {
    const computer = readRam(ram, 0x8d);
    const player = readRam(ram, 0x8e);
    this.setScore(player - computer);
    this.terminal = computer === 21 || player === 21;
  }

  override lives(): number {
    return 0;
  }
}

export const pong: GameSpec = {
  id: 'pong',
  gymName: 'Pong',
  title: 'Pong (Video Olympics)',
  md5: '60e0ea3cbe0913d39803477945e9e5ec',
  otherMd5: [],
  minimalActions: [0, 1, 3, 4, 11, 12],
  modes: [0, 1],
  defaultMode: 0,
  difficulties: [0, 1, 2, 3],
  controller: 'paddles',
  rightController: 'paddles',
  swapPaddles: true,
  modeSelect: { address: 0x96, selectFrames: 2, acceptHighBit: true },
  createRules: () => new PongRules(),
};
