/**
 * The Atari 2600 console: CPU, TIA, RIOT and cartridge on the 6507's 13-bit bus, wired and run the
 * way ALE's Stella 2.4.2 core does it (System, Console, TIA::update).
 */
import { Mt19937 } from '../util/rng';
import { Cpu6502, CPU_STATE_BYTES } from './cpu';
import { Riot, RIOT_STATE_BYTES } from './riot';
import { Cartridge, CARTRIDGE_STATE_BYTES } from './cartridge';
import { Tia, MAX_RESISTANCE } from './tia';

/** Joystick bits for `setJoystick` (combine with |). */
export const JOY_UP = 0x01;
export const JOY_DOWN = 0x02;
export const JOY_LEFT = 0x04;
export const JOY_RIGHT = 0x08;
export const JOY_FIRE = 0x10;

/** The seed ALE gives the console's random generator (setting `system_random_seed`). */
export const DEFAULT_SYSTEM_RANDOM_SEED = 4753849;

/** Instructions Stella runs per TIA::update before giving up on a frame. */
const INSTRUCTIONS_PER_UPDATE = 25000;

export type ControllerKind = 'joystick' | 'paddles';
export type DisplayFormat = 'AUTO-DETECT' | 'NTSC' | 'PAL';

export interface Atari2600Options {
  /** Seed of the console RNG (power-on RAM, timer start on reset). Default 4753849. */
  systemRandomSeed?: number;
  /** What is plugged into each jack (Stella's Controller.Left/Right). Default joysticks. */
  leftController?: ControllerKind;
  rightController?: ControllerKind;
  /** Stella's Controller.SwapPaddles: paddle 0 <-> 1 and 2 <-> 3. Default false. */
  swapPaddles?: boolean;
  /** Stella's Display.YStart / Display.Height (first displayed scanline, lines shown). Default 34 / 210. */
  yStart?: number;
  height?: number;
  /** Stella's Emulation.HmoveBlanks. Default true. */
  hmoveBlanks?: boolean;
  /**
   * Stella's Display.Format. 'AUTO-DETECT' (the default for every ROM Stella does not list otherwise)
   * runs 60 frames when the console is built and picks PAL when at least 15 of the last 30 had more
   * than 285 scanlines, exactly as Stella's Console constructor does (those frames run the game and
   * change RAM, as they do in ALE).
   */
  displayFormat?: DisplayFormat;
}

export interface ConsoleSwitches {
  reset: boolean;
  select: boolean;
  colour: boolean;
  leftDifficultyA: boolean;
  rightDifficultyA: boolean;
}

const CONSOLE_STATE_BYTES = 64;
const RNG_STATE_BYTES = 624 * 4 + 4;
const STATE_MAGIC = 0x32363030; // "2600"

export class Atari2600 {
  readonly cpu: Cpu6502;
  readonly tia: Tia;
  readonly riot: Riot;
  readonly cart: Cartridge;
  readonly rng: Mt19937;
  /** The last value on the data bus (read or written); kept in the CPU, which also reads the ROM directly. */
  get dataBus(): number {
    return this.cpu.dataBus;
  }

  set dataBus(value: number) {
    this.cpu.dataBus = value;
  }
  private isPal = false;

  readonly leftController: ControllerKind;
  readonly rightController: ControllerKind;
  readonly swapPaddles: boolean;

  private readonly ramView: Uint8Array;
  private joystick0 = 0;
  private joystick1 = 0;
  private readonly paddleResistance = new Float64Array(4);
  private paddleFire = 0;
  private switchBits = 0x3f;

  constructor(cart: Cartridge, opts: Atari2600Options = {}) {
    if (!(cart instanceof Cartridge)) throw new Error('Atari2600 needs a Cartridge (see lib/atari/cartridge.ts)');
    const seed = opts.systemRandomSeed ?? DEFAULT_SYSTEM_RANDOM_SEED;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`systemRandomSeed must be an unsigned 32-bit integer, got ${opts.systemRandomSeed}`);
    }
    const format = opts.displayFormat ?? 'AUTO-DETECT';
    if (format !== 'AUTO-DETECT' && format !== 'NTSC' && format !== 'PAL') {
      throw new Error(`displayFormat must be 'AUTO-DETECT', 'NTSC' or 'PAL', got '${String(format)}'`);
    }
    for (const [name, kind] of [
      ['leftController', opts.leftController],
      ['rightController', opts.rightController],
    ] as const) {
      if (kind !== undefined && kind !== 'joystick' && kind !== 'paddles') {
        throw new Error(`${name} must be 'joystick' or 'paddles', got '${String(kind)}'`);
      }
    }
    this.leftController = opts.leftController ?? 'joystick';
    this.rightController = opts.rightController ?? 'joystick';
    this.swapPaddles = opts.swapPaddles ?? false;

    this.cart = cart;
    this.rng = new Mt19937(seed);
    this.cpu = new Cpu6502(this);
    // Cartridge reads below the hotspots have no side effects: the CPU may read them directly.
    this.cpu.setDirectRead(cart.rom, cart.mirrorMask, cart.hotspotLo);
    this.cpu.directOffset = cart.bankOffset;
    this.riot = new Riot(this.rng);
    this.ramView = this.riot.ram;
    // RIOT RAM (A12 = 0, A9 = 0, A7 = 1) has no side effects either: the CPU reads and writes it directly.
    this.cpu.setDirectRam(this.riot.ram, 0x1280, 0x0080, 0x7f);
    // Loops that wait for the timer (LDA/LDX/LDY INTIM; BNE back) skip their idle iterations: INTIM
    // is a RIOT read (A12 = 0, A9 = 1, A7 = 1) of register 4 or 6 (A2 = 1, A0 = 0).
    this.cpu.setPollSkipper(0x1285, 0x0284, (_address, firstRead, period) => this.riot.timerPollsNonzero(firstRead, period));

    this.tia = new Tia(this.cpu, { yStart: opts.yStart, height: opts.height, hmoveBlanks: opts.hmoveBlanks }, (c) =>
      this.riot.cyclesReset(c),
    );
    let pal = format === 'PAL';
    if (format === 'AUTO-DETECT') {
      // Stella's Console: reset, run 60 frames, count PAL-length frames among the last 30.
      this.applyInputs();
      this.systemReset();
      let palFrames = 0;
      for (let i = 0; i < 60; i++) {
        this.runFrame();
        if (i >= 30 && this.tia.scanlines() > 285) palFrames++;
      }
      pal = palFrames >= 15;
    }
    // A PAL picture is 250 lines unless the ROM's properties say otherwise.
    if (pal && opts.height === undefined) this.tia.setHeight(250);
    this.isPal = pal;
    this.applyInputs();
    this.systemReset();
  }

  // -------------------------------------------------------------------------------------------
  // Bus (the CPU calls these with 16-bit addresses; the 6507 sees 13 of them)
  // -------------------------------------------------------------------------------------------

  read(address: number): number {
    const a = address & 0x1fff;
    const cpu = this.cpu;
    let v: number;
    if (a & 0x1000) {
      v = this.cart.read(a);
      cpu.directOffset = this.cart.bankOffset;
    } else if ((a & 0x80) === 0) v = this.tia.read(a, cpu.dataBus);
    else if ((a & 0x200) === 0) v = this.ramView[a & 0x7f];
    else v = this.riot.read(a, cpu.cycles);
    cpu.dataBus = v;
    return v;
  }

  write(address: number, value: number): void {
    const a = address & 0x1fff;
    if (a & 0x1000) {
      this.cart.write(a, value);
      this.cpu.directOffset = this.cart.bankOffset;
    } else if ((a & 0x80) === 0) this.tia.write(a, value);
    else if ((a & 0x200) === 0) this.ramView[a & 0x7f] = value;
    else this.riot.write(a, value, this.cpu.cycles);
    this.cpu.dataBus = value;
  }

  // -------------------------------------------------------------------------------------------
  // Running
  // -------------------------------------------------------------------------------------------

  /** System reset: the cycle counter, then the RIOT, TIA and cartridge, then the CPU (PC from the reset vector). */
  systemReset(): void {
    this.cpu.cycles = 0;
    this.riot.reset();
    this.tia.reset(this.isPal);
    this.cart.reset();
    this.cpu.directOffset = this.cart.bankOffset;
    this.cpu.reset();
  }

  /**
   * One frame, as Stella's TIA::update: run until VSYNC ends the frame or 25000 instructions have run.
   * With `draw` false the TIA latches collisions but draws no pixels: RAM, timing and everything
   * the game sees are identical, only `screen` is not updated (use it for frames nobody looks at,
   * e.g. all but the last of a frame-skip group; a game that leaves part of its picture undrawn
   * then shows older pixels there than Stella would).
   */
  runFrame(draw = true): void {
    this.tia.drawPixels = draw ? 1 : 0;
    this.tia.beginUpdate();
    this.cpu.directOffset = this.cart.bankOffset; // in case the bank was selected from outside
    this.cpu.execute(INSTRUCTIONS_PER_UPDATE);
    this.tia.endUpdate();
  }

  /** True when the console runs as PAL (chosen, or found by display-format detection). */
  get pal(): boolean {
    return this.isPal;
  }

  /** The 160 x height palette indices of the last frame (a live view; copy it to keep it). */
  get screen(): Uint8Array {
    return this.tia.screen;
  }

  /** The 128 RIOT RAM bytes (index i = address 0x80 + i), live. */
  get ram(): Uint8Array {
    return this.ramView;
  }

  // -------------------------------------------------------------------------------------------
  // Inputs
  // -------------------------------------------------------------------------------------------

  /** Joystick state for player 0 (left jack) or 1 (right jack): JOY_* bits. */
  setJoystick(player: 0 | 1, bits: number): void {
    if (player !== 0 && player !== 1) throw new Error(`setJoystick: player must be 0 or 1, got ${player}`);
    if (player === 0) this.joystick0 = bits & 0x1f;
    else this.joystick1 = bits & 0x1f;
    this.applyInputs();
  }

  /** Paddle `index` (0..3): its pot resistance (ALE passes 27450..790196) and its button. */
  setPaddle(index: 0 | 1 | 2 | 3, resistance: number, fire: boolean): void {
    if (!Number.isInteger(index) || index < 0 || index > 3) throw new Error(`setPaddle: index must be 0..3, got ${index}`);
    if (!Number.isFinite(resistance) || resistance < 0 || resistance > MAX_RESISTANCE) {
      throw new Error(`setPaddle: resistance must be a number in 0..${MAX_RESISTANCE}, got ${resistance}`);
    }
    this.paddleResistance[index] = Math.trunc(resistance);
    if (fire) this.paddleFire |= 1 << index;
    else this.paddleFire &= ~(1 << index);
    this.applyInputs();
  }

  /** The console switches (RESET and SELECT are momentary: true while held). */
  setSwitches(s: ConsoleSwitches): void {
    let bits = 0x3f & ~0x08; // bits 2, 4, 5 read high; RESET/SELECT high when released
    if (s.reset) bits &= ~0x01;
    if (s.select) bits &= ~0x02;
    if (s.colour) bits |= 0x08;
    if (s.leftDifficultyA) bits |= 0x40;
    if (s.rightDifficultyA) bits |= 0x80;
    this.switchBits = bits;
    this.applyInputs();
  }

  /** Drives the RIOT ports and the TIA input pins from the controllers and switches, as Stella's controllers do. */
  private applyInputs(): void {
    const tia = this.tia;
    const left = this.jackInputs(0, this.leftController === 'joystick');
    const right = this.jackInputs(1, this.rightController === 'joystick');
    this.riot.portA = (left << 4) | right;
    this.riot.portB = this.switchBits;
    if (tia) {
      tia.fire4 = this.leftController === 'joystick' && this.joystick0 & JOY_FIRE ? 1 : 0;
      tia.fire5 = this.rightController === 'joystick' && this.joystick1 & JOY_FIRE ? 1 : 0;
    }
  }

  /** Port A nibble of one jack (pins 1-4, high = released); sets that jack's two pot inputs on the TIA. */
  private jackInputs(jack: 0 | 1, joystick: boolean): number {
    const pot = this.tia?.potResistance;
    if (joystick) {
      if (pot) pot[jack * 2] = pot[jack * 2 + 1] = MAX_RESISTANCE;
      // Pins 1-4: up, down, left, right, pulled low while pushed.
      return ~(jack === 0 ? this.joystick0 : this.joystick1) & 0x0f;
    }
    // A paddle pair: pin 4 carries the first paddle's button, pin 3 the second's, pins 1-2 float
    // high; the first paddle's pot is on pin 9 (INPT0/2), the second's on pin 5 (INPT1/3).
    const first = jack * 2 + (this.swapPaddles ? 1 : 0);
    const second = jack * 2 + (this.swapPaddles ? 0 : 1);
    if (pot) {
      pot[jack * 2] = this.paddleResistance[first];
      pot[jack * 2 + 1] = this.paddleResistance[second];
    }
    return 0x03 | (this.paddleFire & (1 << second) ? 0 : 0x04) | (this.paddleFire & (1 << first) ? 0 : 0x08);
  }

  // -------------------------------------------------------------------------------------------
  // State
  // -------------------------------------------------------------------------------------------

  /** Bytes of a saved state of this console. */
  get stateSize(): number {
    return 8 + CPU_STATE_BYTES + RIOT_STATE_BYTES + CARTRIDGE_STATE_BYTES + CONSOLE_STATE_BYTES + RNG_STATE_BYTES + this.tia.stateSize;
  }

  /**
   * Everything needed to continue exactly from here: CPU, RIOT, cartridge, TIA, inputs, data bus, RNG.
   * Written into `out` when given (it must be `stateSize` bytes), else into a new array. With
   * `rng: false` the random generator is left out (it is only drawn from on power-on and reset, so
   * a state for re-running frames does not need it); loading such a state keeps the generator as it is.
   * With `frameBuffers: false` the TIA's frame buffers are left out: for a state loaded back while
   * the TIA preserves them (`tia.preserveFrameBuffers()`, called after saving), as the ALE does to
   * replay frames run without drawing.
   */
  saveState(out?: Uint8Array, options: { rng?: boolean; frameBuffers?: boolean } = {}): Uint8Array {
    const withRng = options.rng !== false;
    const withFrameBuffers = options.frameBuffers !== false;
    const size = this.stateSize;
    if (out === undefined) out = new Uint8Array(size);
    else if (!(out instanceof Uint8Array) || out.length !== size) {
      throw new Error(`Atari2600.saveState: the output must be a Uint8Array of stateSize (${size}) bytes`);
    }
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint32(0, STATE_MAGIC, true);
    view.setUint32(4, size, true);
    let o = 8;
    this.cpu.saveState(out, o);
    o += CPU_STATE_BYTES;
    this.riot.saveState(out, o);
    o += RIOT_STATE_BYTES;
    this.cart.saveState(out, o);
    o += CARTRIDGE_STATE_BYTES;
    view.setUint8(o, this.dataBus);
    view.setUint8(o + 1, this.joystick0);
    view.setUint8(o + 2, this.joystick1);
    view.setUint8(o + 3, this.paddleFire);
    view.setUint8(o + 4, this.switchBits);
    view.setUint8(o + 5, withRng ? 1 : 0);
    view.setUint8(o + 6, withFrameBuffers ? 0 : 1); // 1: frame buffers left out (0 in states from before the option)
    for (let i = 0; i < 4; i++) view.setFloat64(o + 8 + 8 * i, this.paddleResistance[i], true);
    o += CONSOLE_STATE_BYTES;
    if (withRng) {
      const rng = this.rng.getState();
      for (let i = 0; i < 624; i++) view.setUint32(o + 4 * i, rng.mt[i], true);
      view.setUint32(o + 624 * 4, rng.index, true);
    }
    o += RNG_STATE_BYTES;
    this.tia.saveState(out, o, withFrameBuffers);
    return out;
  }

  loadState(state: Uint8Array): void {
    if (!(state instanceof Uint8Array) || state.length < 8) {
      throw new Error('Atari2600.loadState expects the Uint8Array returned by saveState()');
    }
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const size = this.stateSize;
    if (view.getUint32(0, true) !== STATE_MAGIC || view.getUint32(4, true) !== size || state.length !== size) {
      throw new Error('Atari2600.loadState: not a state saved by this console configuration (wrong header or size)');
    }
    let o = 8;
    this.cpu.loadState(state, o);
    o += CPU_STATE_BYTES;
    this.riot.loadState(state, o);
    o += RIOT_STATE_BYTES;
    this.cart.loadState(state, o);
    this.cpu.directOffset = this.cart.bankOffset;
    o += CARTRIDGE_STATE_BYTES;
    this.dataBus = view.getUint8(o);
    this.joystick0 = view.getUint8(o + 1);
    this.joystick1 = view.getUint8(o + 2);
    this.paddleFire = view.getUint8(o + 3);
    this.switchBits = view.getUint8(o + 4);
    const withRng = view.getUint8(o + 5) === 1;
    const withFrameBuffers = view.getUint8(o + 6) === 0;
    for (let i = 0; i < 4; i++) this.paddleResistance[i] = view.getFloat64(o + 8 + 8 * i, true);
    o += CONSOLE_STATE_BYTES;
    if (withRng) {
      const mt = new Array<number>(624);
      for (let i = 0; i < 624; i++) mt[i] = view.getUint32(o + 4 * i, true);
      this.rng.setState({ mt, index: view.getUint32(o + 624 * 4, true) });
    }
    o += RNG_STATE_BYTES;
    this.tia.loadState(state, o, withFrameBuffers);
  }
}
