import { bcd, readRam, ScoreRules, type GameSpec } from './game';

/** Score: 6 BCD digits at 0x98 (high) 0x99 0x9A (low). Lives byte 0x9D: 0xFF = game over, else (byte & 7) + 1. */
class KungFuMasterRules extends ScoreRules {
  constructor() {
    super(4);
  }

  step(ram: Uint8Array): void {
    this.setScore(10000 * bcd(readRam(ram, 0x98)) + 100 * bcd(readRam(ram, 0x99)) + bcd(readRam(ram, 0x9a)));
    const livesByte = readRam(ram, 0x9d);
    this.terminal = livesByte === 0xff;
    this.livesValue = (livesByte & 0x7) + 1;
  }
}

export const kungFuMaster: GameSpec = {
  id: 'kung_fu_master',
  gymName: 'KungFuMaster',
  title: 'Kung-Fu Master',
  md5: '5b92a93b23523ff16e2789b820e2a4c5',
  otherMd5: [{ md5: '0b4e793c9425175498f5a65a3e960086', release: 'Kung Fu Master (CCE)' }],
  minimalActions: [0, 2, 3, 4, 5, 8, 9, 11, 12, 13, 14, 15, 16, 17],
  modes: [0],
  defaultMode: 0,
  difficulties: [0],
  controller: 'joystick',
  rightController: 'joystick',
  swapPaddles: false,
  createRules: () => new KungFuMasterRules(),
};
