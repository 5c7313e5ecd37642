/**
 * The 6532 RIOT: 128 bytes of RAM, the interval timer and the two I/O ports (SWCHA: joysticks and
 * paddle buttons; SWCHB: console switches).
 *
 * The timer reproduces Stella 2.4.2's M6532 model, the one ALE uses, including its behaviour after
 * the timer underflows: until INTIM is read it counts down once per cycle from 0xFF; once it has
 * been read two or more cycles after the underflow, it keeps counting at the programmed interval,
 * offset by the cycle of that read. The interrupt flag (TIMINT) reads 0x80 from the underflow until
 * that read. Every read or write takes the current CPU cycle count (the access's own cycle).
 */
import type { Mt19937 } from '../util/rng';

/** The timer's interval shifts for TIM1T, TIM8T, TIM64T, T1024T. */
const INTERVAL_SHIFTS = [0, 3, 6, 10] as const;

/** Bytes used by `saveState()`. */
export const RIOT_STATE_BYTES = 128 + 20;

export class Riot {
  /** The 128 bytes of RAM; index i is address 0x80 + i. */
  readonly ram = new Uint8Array(128);

  /**
   * Input levels of port A's eight pins, as the controllers drive them (1 = high = released).
   * Bits 4-7: left controller (up, down, left, right), bits 0-3: right controller. Set by the console.
   */
  portA = 0xff;
  /** Input levels of port B: the console switches (bit 0 RESET, 1 SELECT, 3 colour, 6/7 difficulty). */
  portB = 0xff;

  private timer = 0;
  private shift = 6;
  private timerSetAt = 0;
  private interruptResetAt = 0;
  private readAfterInterrupt = false;
  private ddra = 0;
  private ddrb = 0;

  /** Fills the RAM with 128 draws from the console RNG (power-on contents), then resets. */
  constructor(private readonly rng: Mt19937) {
    for (let i = 0; i < 128; i++) this.ram[i] = rng.nextU32() & 0xff;
    this.reset();
  }

  /** RIOT reset: a random timer start (25 + draw % 75, interval 64), DDRs cleared. RAM is kept. */
  reset(): void {
    this.timer = (25 + (this.rng.nextU32() % 75)) | 0; // | 0: a small integer for V8, not a boxed double
    this.shift = 6;
    this.timerSetAt = 0;
    this.interruptResetAt = 0;
    this.readAfterInterrupt = false;
    this.ddra = 0;
    this.ddrb = 0;
  }

  /** The console resets its cycle counter to 0: keep the timer's reference points relative. */
  cyclesReset(cyclesBeforeReset: number): void {
    this.timerSetAt = (this.timerSetAt - cyclesBeforeReset) >>> 0;
    this.interruptResetAt = (this.interruptResetAt - cyclesBeforeReset) >>> 0;
  }

  /** A read of the I/O and timer registers (the RAM is read directly through `ram`). */
  read(address: number, cycles: number): number {
    switch (address & 0x07) {
      case 0x00:
        return this.portA;
      case 0x01:
        return this.ddra;
      case 0x02:
        return this.portB;
      case 0x03:
        return this.ddrb;
      case 0x04:
      case 0x06:
        return this.readTimer(cycles);
      default:
        return this.timerExpired(cycles) && !this.readAfterInterrupt ? 0x80 : 0x00;
    }
  }

  /** A write to the I/O and timer registers. */
  write(address: number, value: number, cycles: number): void {
    const reg = address & 0x07;
    if (reg === 0x01) {
      this.ddra = value & 0xff;
    } else if (reg === 0x00 || reg === 0x02 || reg === 0x03) {
      // Port A output goes to the controllers (no effect for joysticks and paddles); port B and its
      // direction register are read-only on this model.
    } else if ((address & 0x14) === 0x14) {
      this.timer = value & 0xff;
      this.shift = INTERVAL_SHIFTS[address & 0x03];
      this.timerSetAt = cycles >>> 0;
      this.readAfterInterrupt = false;
    }
    // (address & 0x14) === 0x04: edge-detect control, not modelled.
  }

  private timerExpired(cycles: number): boolean {
    const delta = (cycles - 1 - this.timerSetAt) >>> 0;
    return this.timer - ((delta >>> this.shift) | 0) - 1 < 0;
  }

  private readTimer(cycles: number): number {
    const delta = (cycles - 1 - this.timerSetAt) >>> 0;
    const elapsed = (delta >>> this.shift) | 0;
    let value = this.timer - elapsed - 1;
    if (value >= 0) return value & 0xff;

    value = ((this.timer << this.shift) | 0) - (delta | 0) - 1;
    if (value <= -2 && !this.readAfterInterrupt) {
      this.readAfterInterrupt = true;
      this.interruptResetAt = cycles >>> 0;
    }
    if (this.readAfterInterrupt) {
      const offset = (this.interruptResetAt - (this.timerSetAt + (this.timer << this.shift))) | 0;
      value = this.timer - elapsed - offset;
    }
    return value & 0xff;
  }

  /**
   * How many reads of INTIM, the first at cycle `firstRead` and then one every `period` cycles,
   * return a nonzero value while the timer has not underflowed (such reads have no side effect).
   */
  timerPollsNonzero(firstRead: number, period: number): number {
    if (!(period > 0)) throw new Error(`Riot.timerPollsNonzero: period must be positive, got ${period}`);
    const delta = (firstRead - 1 - this.timerSetAt) >>> 0;
    // A read `delta` cycles after the write returns timer - (delta >> shift) - 1: at least 1 while delta < (timer - 1) << shift.
    const limit = (this.timer - 1) * 2 ** this.shift;
    return delta >= limit ? 0 : Math.ceil((limit - delta) / period);
  }

  /** The timer registers as a debugger would show them (no side effects). */
  get timerState(): { timer: number; intervalShift: number; setAtCycle: number; readAfterInterrupt: boolean } {
    return { timer: this.timer, intervalShift: this.shift, setAtCycle: this.timerSetAt, readAfterInterrupt: this.readAfterInterrupt };
  }

  saveState(out = new Uint8Array(RIOT_STATE_BYTES), offset = 0): Uint8Array {
    out.set(this.ram, offset);
    const view = new DataView(out.buffer, out.byteOffset + offset + 128, RIOT_STATE_BYTES - 128);
    view.setUint8(0, this.timer);
    view.setUint8(1, this.shift);
    view.setUint8(2, this.ddra);
    view.setUint8(3, this.ddrb);
    view.setUint32(4, this.timerSetAt, true);
    view.setUint32(8, this.interruptResetAt, true);
    view.setUint8(12, this.readAfterInterrupt ? 1 : 0);
    view.setUint8(13, this.portA);
    view.setUint8(14, this.portB);
    return out;
  }

  loadState(bytes: Uint8Array, offset = 0): void {
    if (bytes.length - offset < RIOT_STATE_BYTES) {
      throw new Error(`Riot.loadState: need ${RIOT_STATE_BYTES} bytes from offset ${offset}, got ${bytes.length - offset}`);
    }
    this.ram.set(bytes.subarray(offset, offset + 128));
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset + 128, RIOT_STATE_BYTES - 128);
    this.timer = view.getUint8(0);
    this.shift = view.getUint8(1);
    this.ddra = view.getUint8(2);
    this.ddrb = view.getUint8(3);
    this.timerSetAt = view.getUint32(4, true);
    this.interruptResetAt = view.getUint32(8, true);
    this.readAfterInterrupt = view.getUint8(12) !== 0;
    this.portA = view.getUint8(13);
    this.portB = view.getUint8(14);
  }
}
