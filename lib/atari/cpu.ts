/**
 * The 6502 (the Atari's 6507 is the same core with 13 address lines), instruction-stepped.
 *
 * Timing contract (DESIGN.md): every bus access, including the dummy reads and writes the NMOS 6502
 * performs, first advances `cycles` by one and then happens. Which accesses happen, and in which
 * order, follows the "high compatibility" core of Stella 2.4.2 (the core of ALE), so cartridge
 * hotspots, TIA and RIOT see exactly the accesses they see there. Arithmetic in decimal mode, the
 * undocumented opcodes and the JAM opcodes also behave as in that core: where it differs from a
 * real NMOS chip (decimal-mode N/Z/V flags, the unstable opcodes), it is the core we match.
 *
 * The interpreter (`Cpu6502.run`) and its `MODE` table are generated: scripts/generate-cpu.ts writes
 * them, between the `// @generated` and `// @end-generated` lines, from the per-mode and per-operation
 * templates in cpu-templates.ts. Edit the templates, then run `node --import tsx scripts/generate-cpu.ts`;
 * test/atari/cpu-generated.test.ts fails while this file differs from what they generate. The rest of
 * the file is written by hand.
 */

/** The memory seen by the CPU: 16-bit addresses, 8-bit values. */
export interface Bus {
  read(address: number): number;
  write(address: number, value: number): void;
}

/**
 * Decimal-mode tables, laid out as Stella's `ourBCDTable[2][256]`:
 * [0..255] packed BCD -> binary (any byte, invalid digits included), [256..511] binary -> packed BCD.
 * SBC in decimal mode can index the second table with a negative offset down to -66; as in the
 * original, that lands in the tail of the first table, which this flat layout reproduces.
 */
const BCD = new Uint8Array(512);
for (let t = 0; t < 256; t++) {
  BCD[t] = (t >> 4) * 10 + (t & 0x0f);
  BCD[256 + t] = (((t % 100) / 10) << 4) | (t % 10);
}

/** Base cycle count of every opcode (page crossings and taken branches add to it). */
// biome-ignore format: one row per 16 opcodes
export const OPCODE_CYCLES: readonly number[] = [
  7, 6, 2, 8, 3, 3, 5, 5, 3, 2, 2, 2, 4, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
  6, 6, 2, 8, 3, 3, 5, 5, 4, 2, 2, 2, 4, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
  6, 6, 2, 8, 3, 3, 5, 5, 3, 2, 2, 2, 3, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
  6, 6, 2, 8, 3, 3, 5, 5, 4, 2, 2, 2, 5, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
  2, 6, 2, 6, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4,
  2, 6, 2, 6, 4, 4, 4, 4, 2, 5, 2, 5, 5, 5, 5, 5,
  2, 6, 2, 6, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4,
  2, 5, 2, 5, 4, 4, 4, 4, 2, 4, 2, 4, 4, 4, 4, 4,
  2, 6, 2, 8, 3, 3, 5, 5, 2, 2, 2, 2, 4, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
  2, 6, 2, 8, 3, 3, 5, 5, 2, 2, 2, 2, 4, 4, 6, 6,
  2, 5, 2, 8, 4, 4, 6, 6, 2, 4, 2, 7, 4, 4, 7, 7,
];

/** The opcodes that lock up an NMOS 6502 (JAM/KIL): the CPU halts until the next reset. */
export const JAM_OPCODES: readonly number[] = [0x02, 0x12, 0x22, 0x32, 0x42, 0x52, 0x62, 0x72, 0x92, 0xb2, 0xd2, 0xf2];

/** Plain snapshot of the CPU registers and timing state. */
export interface CpuState {
  a: number;
  x: number;
  y: number;
  sp: number;
  pc: number;
  p: number;
  cycles: number;
  lastAccessWasRead: boolean;
  halted: boolean;
  lastOpcode: number;
}

/** Bytes used by `saveState()`. */
export const CPU_STATE_BYTES = 20;

// @generated MODE: written by scripts/generate-cpu.ts from lib/atari/cpu-templates.ts; edit those and rerun it
// biome-ignore format: generated, one row per 16 opcodes
/**
 * Addressing mode of every opcode, for the mode dispatch of `run`:
 * 0 imp, 1 imm, 2 zpR, 3 zpW, 4 zpxR, 5 zpxW, 6 zpyR, 7 zpyW, 8 absR, 9 absW, 10 absxR, 11 absyR,
 * 12 absxW, 13 absyW, 14 izxR, 15 izxW, 16 izyR, 17 izyW, 18 none.
 * Read modes leave the operand in `t`; write and read-modify-write modes leave the target in `ea`.
 */
const MODE = new Uint8Array([
  1, 14, 18, 15, 2, 2, 3, 3, 0, 1, 0, 1, 8, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
  18, 14, 18, 15, 2, 2, 3, 3, 0, 1, 0, 1, 8, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
  0, 14, 18, 15, 2, 2, 3, 3, 0, 1, 0, 1, 9, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
  0, 14, 18, 15, 2, 2, 3, 3, 0, 1, 0, 1, 9, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
  1, 15, 1, 15, 3, 3, 3, 3, 0, 1, 0, 1, 9, 9, 9, 9,
  1, 17, 18, 17, 5, 5, 7, 7, 0, 13, 0, 13, 12, 12, 13, 13,
  1, 14, 1, 14, 2, 2, 2, 2, 0, 1, 0, 1, 8, 8, 8, 8,
  1, 16, 18, 16, 4, 4, 6, 6, 0, 11, 0, 11, 10, 10, 11, 11,
  1, 14, 1, 15, 2, 2, 3, 3, 0, 1, 0, 1, 8, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
  1, 14, 1, 15, 2, 2, 3, 3, 0, 1, 0, 1, 8, 8, 9, 9,
  1, 16, 18, 17, 4, 4, 5, 5, 0, 11, 0, 13, 10, 10, 12, 12,
]);
// @end-generated MODE

/** Decimal-mode ADC as packed bits: result | carry << 8 | overflow << 9. */
function adcDecimal(a: number, op: number, carry: number): number {
  const sum = BCD[a] + BCD[op] + carry;
  const r = BCD[256 + (sum & 0xff)];
  const v = (a ^ r) & 0x80 && (r ^ op) & 0x80 ? 1 : 0;
  return r | (sum > 99 ? 0x100 : 0) | (v << 9);
}

/** Decimal-mode SBC as packed bits: result | carry << 8 | overflow << 9. */
function sbcDecimal(a: number, op: number, carry: number): number {
  const borrow = 1 - carry;
  let diff = BCD[a] - BCD[op] - borrow;
  if (diff < 0) diff += 100;
  const r = BCD[256 + diff];
  const v = (a ^ r) & 0x80 && (r ^ op) & 0x80 ? 1 : 0;
  return r | (a >= op + borrow ? 0x100 : 0) | (v << 9);
}

/**
 * ARR (AND, then ROR) with its peculiar flags and decimal-mode variant, as packed bits:
 * A | C << 8 | V << 9 | (N source) << 10 | (Z source) << 18.
 */
function arr(a: number, op: number, carry: number, decimal: number): number {
  const value = a & op;
  const r = (value >> 1) | (carry << 7);
  if (!decimal) {
    return r | (((r >> 6) & 1) << 8) | ((((r >> 6) ^ (r >> 5)) & 1) << 9) | (r << 10) | (r << 18);
  }
  const v = (value ^ r) & 0x40 ? 1 : 0;
  let result = r;
  if ((value & 0x0f) + (value & 0x01) > 0x05) result = (result & 0xf0) | ((result + 0x06) & 0x0f);
  let c = 0;
  if ((value & 0xf0) + (value & 0x10) > 0x50) {
    result = (result + 0x60) & 0xff;
    c = 1;
  }
  return result | (c << 8) | (v << 9) | ((carry << 7) << 10) | (r << 18);
}

/**
 * See `Cpu6502.setPollSkipper`: how many reads of `address`, the first at cycle `firstRead` and then
 * every `period` cycles, would return a nonzero value and have no side effect.
 */
export type PollSkipper = (address: number, firstRead: number, period: number) => number;

export class Cpu6502 {
  /** CPU cycles since power-on (or since the console last reset the count). */
  cycles = 0;
  /** True when the most recent bus access was a read. */
  lastAccessWasRead = true;
  /** Set by a JAM opcode: the CPU runs no more instructions until `reset()`. */
  halted = false;

  a = 0;
  x = 0;
  y = 0;
  sp = 0xff;
  pc = 0;
  /** The opcode of the instruction being (or last) executed. */
  lastOpcode = 0;

  // Status flags, kept apart for speed. N is bit 7 of `nv`; Z is set when `zv` is 0.
  private nv = 0;
  private zv = 1;
  private c = 0;
  private v = 0;
  private d = 0;
  private i = 0;

  private stopRequested = false;

  /**
   * The data bus latch: the last value read or written. The bus may keep it (the Atari console
   * does, the TIA fills undriven bits from it); direct reads update it.
   */
  dataBus = 0;

  // The direct-read window (see setDirectRead).
  private directMemory = new Uint8Array(1);
  private directMask = 0;
  private directLimit = 0;
  /** Offset in the direct-read memory of the selected bank (the bus updates it on bank switches). */
  directOffset = 0;

  // The direct RAM window (see setDirectRam).
  private directRam = new Uint8Array(1);
  private ramMask = 0;
  private ramMatch = -1;
  private ramIndex = 0;

  // Polling-loop skipping (see setPollSkipper): loads whose address matches are checked for a wait loop.
  private pollMask = 0;
  private pollMatch = -1;
  private pollSkipper: PollSkipper | null = null;

  constructor(public bus: Bus) {}

  /**
   * Lets the CPU read side-effect-free memory without calling the bus: a read of an address with
   * A12 set whose low 12 bits are below `limit` returns `memory[directOffset + (address & mask)]`
   * and puts it on the data bus. The Atari console points it at the cartridge ROM below its
   * bank-switching hotspots (reads there have no side effects) and keeps `directOffset` on the
   * selected bank. `limit` 0 (the default) turns it off.
   */
  setDirectRead(memory: Uint8Array, mask: number, limit: number): void {
    if (!(memory instanceof Uint8Array) || memory.length <= mask) {
      throw new Error('setDirectRead: memory must be a Uint8Array covering the mask');
    }
    if (!Number.isInteger(limit) || limit < 0 || limit > 0x1000) throw new Error(`setDirectRead: limit must be in 0..4096, got ${limit}`);
    this.directMemory = memory;
    this.directMask = mask;
    this.directLimit = limit;
  }

  /**
   * Lets the CPU read and write side-effect-free RAM without calling the bus: an access to an address
   * with `(address & decodeMask) === decodeMatch` reads or writes `memory[address & indexMask]` and
   * puts the value on the data bus, as the bus would. The Atari console points it at the RIOT's 128
   * bytes (A12 = 0, A9 = 0, A7 = 1: zero page 0x80-0xFF, the stack and their mirrors), where a third of
   * all accesses go. Only the data operands of the common addressing modes take the window; opcode
   * fetches and vectors always use the bus or the direct-read window. `memory` null turns it off.
   */
  setDirectRam(memory: Uint8Array | null, decodeMask = 0, decodeMatch = 0, indexMask = 0): void {
    if (memory === null) {
      this.directRam = new Uint8Array(1);
      this.ramMask = 0;
      this.ramMatch = -1;
      this.ramIndex = 0;
      return;
    }
    if (!(memory instanceof Uint8Array) || memory.length <= indexMask) {
      throw new Error('setDirectRam: memory must be a Uint8Array covering the index mask');
    }
    if ((decodeMatch & ~decodeMask) !== 0 || (indexMask & decodeMask) !== 0) {
      throw new Error('setDirectRam: the decode match must lie inside the decode mask, and the index bits outside it');
    }
    this.directRam = memory;
    this.ramMask = decodeMask;
    this.ramMatch = decodeMatch;
    this.ramIndex = indexMask;
  }

  /**
   * Lets the CPU skip the iterations of a polling loop that cannot change anything: a load of a
   * register (LDA/LDX/LDY absolute, at an address with `(address & mask) === match`) followed by
   * `BNE` back to the load, both in the direct-read window. Each iteration takes 7 cycles; the
   * skipper says how many of the register's reads (the first at a given cycle, then one per
   * period) would return a nonzero value without side effects, and the CPU advances the clock and
   * its instruction count over those iterations at once, then runs the next one normally. Every
   * bus access skipped reads side-effect-free memory, so the state is exactly the one stepping
   * through the loop would reach.
   */
  setPollSkipper(mask: number, match: number, skipper: PollSkipper | null): void {
    this.pollMask = skipper ? mask : 0;
    this.pollMatch = skipper ? match : -1;
    this.pollSkipper = skipper;
  }

  /** Called with the load's address register operand read: skips what `setPollSkipper` allows and returns the iterations skipped. */
  private skipPolls(pc: number, address: number, instructionsLeft: number): number {
    const lim = this.directLimit;
    // The loop is the load (3 bytes before pc), BNE -5, and the byte after it (read by a taken branch): all direct, one page.
    if ((pc & 0x1000) === 0 || (pc & 0xfff) + 2 >= lim || (pc & 0xfff) < 3 || ((pc - 3) ^ (pc + 2)) & 0xff00) return 0;
    const mem = this.directMemory,
      base = this.directOffset,
      mask = this.directMask;
    if (mem[base + (pc & mask)] !== 0xd0 || mem[base + ((pc + 1) & mask)] !== 0xfb) return 0;
    // Each skipped iteration is 2 instructions, and the load being executed then counts as the next
    // iteration's: the budget allows (maxInstructions - n) / 2 of them.
    const k = Math.max(0, Math.min(this.pollSkipper!(address, this.cycles + 1, 7), instructionsLeft >> 1));
    this.cycles += 7 * k;
    return k;
  }

  /** The status register as pushed by PHP (bits 4 and 5 always read as 1 on this core). */
  get p(): number {
    return 0x30 | (this.nv & 0x80) | (this.v << 6) | (this.d << 3) | (this.i << 2) | (this.zv === 0 ? 2 : 0) | this.c;
  }

  set p(value: number) {
    this.nv = value & 0x80;
    this.v = (value >> 6) & 1;
    this.d = (value >> 3) & 1;
    this.i = (value >> 2) & 1;
    this.zv = value & 2 ? 0 : 1;
    this.c = value & 1;
  }

  /**
   * Power-on/reset: A = X = Y = 0, SP = 0xFF, P = 0x20 (bits 4/5 read back as set), PC from the
   * reset vector. The vector is read without advancing the clock, as Stella does.
   */
  reset(): void {
    this.a = this.x = this.y = 0;
    this.sp = 0xff;
    this.p = 0x20;
    this.halted = false;
    this.stopRequested = false;
    this.lastAccessWasRead = true;
    this.pc = this.bus.read(0xfffc) | (this.bus.read(0xfffd) << 8);
  }

  /** Asks the CPU to stop after the instruction it is executing (the TIA calls it at VSYNC). */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs instructions until `stop()` is called, a JAM opcode halts the CPU, or `maxInstructions`
   * have run. Returns the number of instructions run.
   */
  execute(maxInstructions: number): number {
    this.stopRequested = false;
    return this.run(maxInstructions);
  }

  /** Executes one instruction (even when halted or asked to stop). */
  step(): void {
    const stop = this.stopRequested;
    const halted = this.halted;
    this.stopRequested = false;
    this.halted = false;
    this.run(1);
    if (stop) this.stopRequested = true;
    if (halted) this.halted = true;
  }

  // @generated run: written by scripts/generate-cpu.ts from lib/atari/cpu-templates.ts; edit those and rerun it
  // biome-ignore format: generated, one line per bus access
  /**
   * The interpreter. Registers and flags live in locals while it runs (bus accesses only see the
   * clock, `lastAccessWasRead` and stop requests); every access is written out in place as
   * "advance the clock, access, note the kind", so each opcode shows its exact access sequence.
   */
  private run(maxInstructions: number): number {
    const bus = this.bus;
    let a = this.a;
    let x = this.x;
    let y = this.y;
    let sp = this.sp;
    let pc = this.pc;
    let nv = this.nv;
    let zv = this.zv;
    let c = this.c;
    let v = this.v;
    let d = this.d;
    let i = this.i;
    const directMemory = this.directMemory;
    const directMask = this.directMask;
    const directLimit = this.directLimit;
    const pollMask = this.pollMask;
    const pollMatch = this.pollMatch;
    const ram = this.directRam;
    const ramMask = this.ramMask;
    const ramMatch = this.ramMatch;
    const ramIndex = this.ramIndex;
    let t = 0;
    let m = 0;
    let ea = 0;
    let lo = 0;
    let hi = 0;
    let n = 0;
    // The clock lives in a local too (a field incremented at every access would chain each access
    // to the previous one through memory); it is written back around every call that may use it.
    let cycles = this.cycles;
    if (this.halted) return 0;
    instructions: while (n < maxInstructions && !this.stopRequested) {
      n++;
      cycles++;
      let opcode: number;
      if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) {
        opcode = this.dataBus = directMemory[this.directOffset + (pc & directMask)];
      } else {
        this.cycles = cycles; opcode = bus.read(pc); cycles = this.cycles;
      }
      this.lastAccessWasRead = true;
      pc = (pc + 1) & 0xffff;
      this.lastOpcode = opcode;
      // The most frequent opcodes (in the supported games) in a single dispatch, each with its
      // addressing code; the others take the two dispatches below (addressing mode, operation).
      switch (opcode) {
        case 0x85: // STA (zpW)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = a; } else { this.cycles = cycles; bus.write(ea, a); cycles = this.cycles; } this.lastAccessWasRead = false;
          continue;
        case 0xd0: // BNE (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if (zv !== 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0xb1: // LDA (izyR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          m = (ea + 1) & 0xff;
          cycles++; if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } this.lastAccessWasRead = true;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          a = nv = zv = t;
          continue;
        case 0xac: // LDY (absR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          ea |= hi << 8;
          if ((ea & pollMask) === pollMatch) { this.cycles = cycles; n += 2 * this.skipPolls(pc, ea, maxInstructions - n); cycles = this.cycles; }
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          y = nv = zv = t;
          continue;
        case 0xb0: // BCS (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if (c !== 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0xae: // LDX (absR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          ea |= hi << 8;
          if ((ea & pollMask) === pollMatch) { this.cycles = cycles; n += 2 * this.skipPolls(pc, ea, maxInstructions - n); cycles = this.cycles; }
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          x = nv = zv = t;
          continue;
        case 0xa9: // LDA (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          a = nv = zv = t;
          continue;
        case 0x10: // BPL (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if ((nv & 0x80) === 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0x86: // STX (zpW)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = x; } else { this.cycles = cycles; bus.write(ea, x); cycles = this.cycles; } this.lastAccessWasRead = false;
          continue;
        case 0xa5: // LDA (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = t;
          continue;
        case 0xca: // DEX (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          x = nv = zv = (x - 1) & 0xff;
          continue;
        case 0x88: // DEY (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          y = nv = zv = (y - 1) & 0xff;
          continue;
        case 0xf0: // BEQ (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if (zv === 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0xc8: // INY (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          y = nv = zv = (y + 1) & 0xff;
          continue;
        case 0xaa: // TAX (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          x = nv = zv = a;
          continue;
        case 0xa4: // LDY (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          y = nv = zv = t;
          continue;
        case 0xea: // NOP (the operand reads still happen) (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          continue;
        case 0xb9: // LDA (absyR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          a = nv = zv = t;
          continue;
        case 0xe0: // CPX (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          lo = x - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          continue;
        case 0xc4: // CPY (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          lo = y - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          continue;
        case 0x0a: // ASL A (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          c = a >> 7; a = nv = zv = (a << 1) & 0xff;
          continue;
        case 0xc6: // DEC (read, write back, write) (zpW)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = nv = zv = (t - 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          continue;
        case 0x9a: // TXS (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = x;
          continue;
        case 0xba: // TSX (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          x = nv = zv = sp;
          continue;
        case 0xe9: // SBC (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if (d === 0) {
            t ^= 0xff;
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = sbcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          continue;
        case 0x84: // STY (zpW)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = y; } else { this.cycles = cycles; bus.write(ea, y); cycles = this.cycles; } this.lastAccessWasRead = false;
          continue;
        case 0x8a: // TXA (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = x;
          continue;
        case 0xa8: // TAY (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          y = nv = zv = a;
          continue;
        case 0xc0: // CPY (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          lo = y - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          continue;
        case 0x90: // BCC (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if (c === 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0xa2: // LDX (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          x = nv = zv = t;
          continue;
        case 0x38: // SEC (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          c = 1;
          continue;
        case 0xe5: // SBC (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          if (d === 0) {
            t ^= 0xff;
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = sbcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          continue;
        case 0x25: // AND (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = a & t;
          continue;
        case 0xa0: // LDY (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          y = nv = zv = t;
          continue;
        case 0x4a: // LSR A (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          c = a & 1; a = nv = zv = a >> 1;
          continue;
        case 0x08: // PHP (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = 0x30 | (nv & 0x80) | (v << 6) | (d << 3) | (i << 2) | (zv === 0 ? 2 : 0) | c; } else { this.cycles = cycles; bus.write(0x100 | sp, 0x30 | (nv & 0x80) | (v << 6) | (d << 3) | (i << 2) | (zv === 0 ? 2 : 0) | c); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          continue;
        case 0xe8: // INX (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          x = nv = zv = (x + 1) & 0xff;
          continue;
        case 0x29: // AND (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          a = nv = zv = a & t;
          continue;
        case 0x30: // BMI (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          if ((nv & 0x80) !== 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          continue;
        case 0xad: // LDA (absR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          ea |= hi << 8;
          if ((ea & pollMask) === pollMatch) { this.cycles = cycles; n += 2 * this.skipPolls(pc, ea, maxInstructions - n); cycles = this.cycles; }
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          a = nv = zv = t;
          continue;
        case 0xa6: // LDX (zpR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          x = nv = zv = t;
          continue;
        case 0xe6: // INC (read, write back, write) (zpW)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = nv = zv = (t + 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          continue;
        case 0xbd: // LDA (absxR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += x;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          a = nv = zv = t;
          continue;
        case 0xb5: // LDA (zpxR)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + x) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = t;
          continue;
        case 0x98: // TYA (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = y;
          continue;
        case 0xc9: // CMP (imm)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          lo = a - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          continue;
        case 0x68: // PLA (imp)
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { t = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; t = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          a = nv = zv = t;
          continue;
      }
      switch (MODE[opcode]) {
        case 0: // imp
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          break;
        case 1: // imm
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; t = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          break;
        case 2: // zpR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          break;
        case 3: // zpW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          break;
        case 4: // zpxR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + x) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          break;
        case 5: // zpxW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + x) & 0xff;
          break;
        case 6: // zpyR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + y) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          break;
        case 7: // zpyW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + y) & 0xff;
          break;
        case 8: // absR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          ea |= hi << 8;
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          break;
        case 9: // absW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          ea |= hi << 8;
          break;
        case 10: // absxR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += x;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          break;
        case 11: // absyR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          break;
        case 12: // absxW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += x;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          ea = (hi + lo) & 0xffff;
          break;
        case 13: // absyW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          ea = (hi + lo) & 0xffff;
          break;
        case 14: // izxR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + x) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          m = (ea + 1) & 0xff;
          cycles++; if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = lo | (hi << 8);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          break;
        case 15: // izxW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = (ea + x) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          m = (ea + 1) & 0xff;
          cycles++; if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } this.lastAccessWasRead = true;
          ea = lo | (hi << 8);
          break;
        case 16: // izyR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          m = (ea + 1) & 0xff;
          cycles++; if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } this.lastAccessWasRead = true;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          if (lo > 0xff) {
            ea = (hi + lo) & 0xffff;
            cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          }
          break;
        case 17: // izyW
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { ea = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; ea = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          m = (ea + 1) & 0xff;
          cycles++; if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } this.lastAccessWasRead = true;
          hi <<= 8;
          lo += y;
          ea = hi | (lo & 0xff);
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { t = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          ea = (hi + lo) & 0xffff;
          break;
      }
      switch (opcode) {
        case 0x00: // BRK
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = pc >> 8; } else { this.cycles = cycles; bus.write(0x100 | sp, pc >> 8); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = pc & 0xff; } else { this.cycles = cycles; bus.write(0x100 | sp, pc & 0xff); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = 0x30 | (nv & 0x80) | (v << 6) | (d << 3) | (i << 2) | (zv === 0 ? 2 : 0) | c; } else { this.cycles = cycles; bus.write(0x100 | sp, 0x30 | (nv & 0x80) | (v << 6) | (d << 3) | (i << 2) | (zv === 0 ? 2 : 0) | c); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          i = 1;
          cycles++; this.cycles = cycles; lo = bus.read(0xfffe); cycles = this.cycles; this.lastAccessWasRead = true;
          cycles++; this.cycles = cycles; hi = bus.read(0xffff); cycles = this.cycles; this.lastAccessWasRead = true;
          pc = lo | (hi << 8);
          break;
        case 0x01: case 0x05: case 0x09: case 0x0d: case 0x11: case 0x15: case 0x19: case 0x1d: // ORA
          a = nv = zv = a | t;
          break;
        case 0x03: case 0x07: case 0x0f: case 0x13: case 0x17: case 0x1b: case 0x1f: // SLO
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          c = t >> 7; t = (t << 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          a = nv = zv = a | t;
          break;
        case 0x04: case 0x0c: case 0x14: case 0x1a: case 0x1c: case 0x34: case 0x3a: case 0x3c: case 0x44: case 0x54: case 0x5a: case 0x5c: case 0x64: case 0x74: case 0x7a: case 0x7c: case 0x80: case 0x82: case 0x89: case 0xc2: case 0xd4: case 0xda: case 0xdc: case 0xe2: case 0xf4: case 0xfa: case 0xfc: // NOP (the operand reads still happen)
          break;
        case 0x06: case 0x0e: case 0x16: case 0x1e: // ASL (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          c = t >> 7; t = nv = zv = (t << 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x0b: case 0x2b: // ANC
          a = nv = zv = a & t;
          c = a >> 7;
          break;
        case 0x18: // CLC
          c = 0;
          break;
        case 0x20: // JSR
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; lo = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true; pc = (pc + 1) & 0xffff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = pc >> 8; } else { this.cycles = cycles; bus.write(0x100 | sp, pc >> 8); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = pc & 0xff; } else { this.cycles = cycles; bus.write(0x100 | sp, pc & 0xff); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; hi = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          pc = lo | (hi << 8);
          break;
        case 0x21: case 0x2d: case 0x31: case 0x35: case 0x39: case 0x3d: // AND
          a = nv = zv = a & t;
          break;
        case 0x23: case 0x27: case 0x2f: case 0x33: case 0x37: case 0x3b: case 0x3f: // RLA
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          lo = ((t << 1) | c) & 0xff; c = t >> 7; t = lo;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          a = nv = zv = a & t;
          break;
        case 0x24: case 0x2c: // BIT
          nv = t;
          v = (t >> 6) & 1;
          zv = a & t;
          break;
        case 0x26: case 0x2e: case 0x36: case 0x3e: // ROL (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          lo = ((t << 1) | c) & 0xff; c = t >> 7; t = nv = zv = lo;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x28: // PLP
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { t = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; t = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          nv = t & 0x80;
          v = (t >> 6) & 1;
          d = (t >> 3) & 1;
          i = (t >> 2) & 1;
          zv = t & 2 ? 0 : 1;
          c = t & 1;
          break;
        case 0x2a: // ROL A
          t = ((a << 1) | c) & 0xff; c = a >> 7; a = nv = zv = t;
          break;
        case 0x40: // RTI
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { t = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; t = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          nv = t & 0x80;
          v = (t >> 6) & 1;
          d = (t >> 3) & 1;
          i = (t >> 2) & 1;
          zv = t & 2 ? 0 : 1;
          c = t & 1;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { lo = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; lo = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { hi = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; hi = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          pc = lo | (hi << 8);
          break;
        case 0x41: case 0x45: case 0x49: case 0x4d: case 0x51: case 0x55: case 0x59: case 0x5d: // EOR
          a = nv = zv = a ^ t;
          break;
        case 0x43: case 0x47: case 0x4f: case 0x53: case 0x57: case 0x5b: case 0x5f: // SRE
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          c = t & 1; t = t >> 1;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          a = nv = zv = a ^ t;
          break;
        case 0x46: case 0x4e: case 0x56: case 0x5e: // LSR (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          c = t & 1; t = nv = zv = t >> 1;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x48: // PHA
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { ram[(0x100 | sp) & ramIndex] = this.dataBus = a; } else { this.cycles = cycles; bus.write(0x100 | sp, a); cycles = this.cycles; } this.lastAccessWasRead = false;
          sp = (sp - 1) & 0xff;
          break;
        case 0x4b: // ALR
          t &= a;
          c = t & 1;
          a = nv = zv = t >> 1;
          break;
        case 0x4c: // JMP abs
          pc = ea;
          break;
        case 0x50: // BVC
          if (v === 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          break;
        case 0x58: // CLI
          i = 0;
          break;
        case 0x60: // RTS
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { t = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; t = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          sp = (sp + 1) & 0xff;
          cycles++; if (((0x100 | sp) & ramMask) === ramMatch) { hi = this.dataBus = ram[(0x100 | sp) & ramIndex]; } else { this.cycles = cycles; hi = bus.read(0x100 | sp); cycles = this.cycles; } this.lastAccessWasRead = true;
          pc = t | (hi << 8);
          cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
          pc = (pc + 1) & 0xffff;
          break;
        case 0x61: case 0x65: case 0x69: case 0x6d: case 0x71: case 0x75: case 0x79: case 0x7d: // ADC
          if (d === 0) {
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = adcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          break;
        case 0x63: case 0x67: case 0x6f: case 0x73: case 0x77: case 0x7b: case 0x7f: // RRA
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          lo = (t >> 1) | (c << 7); c = t & 1; t = lo;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          if (d === 0) {
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = adcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          break;
        case 0x66: case 0x6e: case 0x76: case 0x7e: // ROR (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          lo = (t >> 1) | (c << 7); c = t & 1; t = nv = zv = lo;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x6a: // ROR A
          t = (a >> 1) | (c << 7); c = a & 1; a = nv = zv = t;
          break;
        case 0x6b: // ARR
          lo = arr(a, t, c, d);
          a = lo & 0xff;
          c = (lo >> 8) & 1;
          v = (lo >> 9) & 1;
          nv = (lo >> 10) & 0xff;
          zv = lo >>> 18;
          break;
        case 0x6c: // JMP (ind): the NMOS bug reads the high byte from the start of the same page
          cycles++; if ((ea & 0x1000) !== 0 && (ea & 0xfff) < directLimit) { lo = this.dataBus = directMemory[this.directOffset + (ea & directMask)]; } else { if ((ea & ramMask) === ramMatch) { lo = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; lo = bus.read(ea); cycles = this.cycles; } } this.lastAccessWasRead = true;
          m = (ea & 0xff) === 0xff ? ea & 0xff00 : ea + 1;
          cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { hi = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { hi = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; hi = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
          pc = lo | (hi << 8);
          break;
        case 0x70: // BVS
          if (v !== 0) {
            cycles++; if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (pc & directMask)]; } else { this.cycles = cycles; m = bus.read(pc); cycles = this.cycles; } this.lastAccessWasRead = true;
            ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
            if ((pc ^ ea) & 0xff00) {
              m = (pc & 0xff00) | (ea & 0xff);
              cycles++; if ((m & 0x1000) !== 0 && (m & 0xfff) < directLimit) { m = this.dataBus = directMemory[this.directOffset + (m & directMask)]; } else { if ((m & ramMask) === ramMatch) { m = this.dataBus = ram[m & ramIndex]; } else { this.cycles = cycles; m = bus.read(m); cycles = this.cycles; } } this.lastAccessWasRead = true;
            }
            pc = ea;
          }
          break;
        case 0x78: // SEI
          i = 1;
          break;
        case 0x81: case 0x8d: case 0x91: case 0x95: case 0x99: case 0x9d: // STA
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = a; } else { this.cycles = cycles; bus.write(ea, a); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x83: case 0x87: case 0x8f: case 0x97: // SAX
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = a & x; } else { this.cycles = cycles; bus.write(ea, a & x); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x8c: case 0x94: // STY
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = y; } else { this.cycles = cycles; bus.write(ea, y); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x8e: case 0x96: // STX
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = x; } else { this.cycles = cycles; bus.write(ea, x); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x8b: // ANE (unstable: constant 0xEE)
          a = nv = zv = (a | 0xee) & x & t;
          break;
        case 0x93: case 0x9f: // SHA
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = (a & x) & (((ea >> 8) + 1) & 0xff); } else { this.cycles = cycles; bus.write(ea, (a & x) & (((ea >> 8) + 1) & 0xff)); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x9b: // SHS
          sp = a & x;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = (a & x) & (((ea >> 8) + 1) & 0xff); } else { this.cycles = cycles; bus.write(ea, (a & x) & (((ea >> 8) + 1) & 0xff)); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x9c: // SHY
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = (y) & (((ea >> 8) + 1) & 0xff); } else { this.cycles = cycles; bus.write(ea, (y) & (((ea >> 8) + 1) & 0xff)); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0x9e: // SHX
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = (x) & (((ea >> 8) + 1) & 0xff); } else { this.cycles = cycles; bus.write(ea, (x) & (((ea >> 8) + 1) & 0xff)); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0xb4: case 0xbc: // LDY
          y = nv = zv = t;
          break;
        case 0xa1: // LDA
          a = nv = zv = t;
          break;
        case 0xb6: case 0xbe: // LDX
          x = nv = zv = t;
          break;
        case 0xa3: case 0xa7: case 0xaf: case 0xb3: case 0xb7: case 0xbf: // LAX
          a = x = nv = zv = t;
          break;
        case 0xab: // LXA (unstable: constant 0xEE)
          a = x = nv = zv = (a | 0xee) & t;
          break;
        case 0xb8: // CLV
          v = 0;
          break;
        case 0xbb: // LAS
          a = x = sp = nv = zv = sp & t;
          break;
        case 0xcc: // CPY
          lo = y - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          break;
        case 0xc1: case 0xc5: case 0xcd: case 0xd1: case 0xd5: case 0xd9: case 0xdd: // CMP
          lo = a - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          break;
        case 0xc3: case 0xc7: case 0xcf: case 0xd3: case 0xd7: case 0xdb: case 0xdf: // DCP
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = (t - 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          lo = a - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          break;
        case 0xce: case 0xd6: case 0xde: // DEC (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = nv = zv = (t - 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0xcb: // SBX
          lo = (a & x) - t;
          x = nv = zv = lo & 0xff;
          c = lo >= 0 ? 1 : 0;
          break;
        case 0xd8: // CLD
          d = 0;
          break;
        case 0xe4: case 0xec: // CPX
          lo = x - t;
          nv = lo & 0x80;
          zv = lo;
          c = lo >= 0 ? 1 : 0;
          break;
        case 0xe1: case 0xeb: case 0xed: case 0xf1: case 0xf5: case 0xf9: case 0xfd: // SBC
          if (d === 0) {
            t ^= 0xff;
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = sbcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          break;
        case 0xe3: case 0xe7: case 0xef: case 0xf3: case 0xf7: case 0xfb: case 0xff: // ISB
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = (t + 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          if (d === 0) {
            t ^= 0xff;
            lo = a + t + c;
            v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
            c = lo > 0xff ? 1 : 0;
            a = nv = zv = lo & 0xff;
          } else {
            lo = sbcDecimal(a, t, c);
            a = nv = zv = lo & 0xff;
            c = (lo >> 8) & 1;
            v = lo >> 9;
          }
          break;
        case 0xee: case 0xf6: case 0xfe: // INC (read, write back, write)
          cycles++; if ((ea & ramMask) === ramMatch) { t = this.dataBus = ram[ea & ramIndex]; } else { this.cycles = cycles; t = bus.read(ea); cycles = this.cycles; } this.lastAccessWasRead = true;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          t = nv = zv = (t + 1) & 0xff;
          cycles++; if ((ea & ramMask) === ramMatch) { ram[ea & ramIndex] = this.dataBus = t; } else { this.cycles = cycles; bus.write(ea, t); cycles = this.cycles; } this.lastAccessWasRead = false;
          break;
        case 0xf8: // SED
          d = 1;
          break;
        default: // JAM: the opcode fetch happened; the CPU now stays halted until reset.
          this.halted = true;
          break instructions;
      }
    }
    this.a = a;
    this.x = x;
    this.y = y;
    this.sp = sp;
    this.pc = pc;
    this.nv = nv;
    this.zv = zv;
    this.c = c;
    this.v = v;
    this.d = d;
    this.i = i;
    this.cycles = cycles;
    return n;
  }
  // @end-generated run

  // ---- state ----

  getState(): CpuState {
    return {
      a: this.a,
      x: this.x,
      y: this.y,
      sp: this.sp,
      pc: this.pc,
      p: this.p,
      cycles: this.cycles,
      lastAccessWasRead: this.lastAccessWasRead,
      halted: this.halted,
      lastOpcode: this.lastOpcode,
    };
  }

  setState(s: CpuState): void {
    this.a = s.a & 0xff;
    this.x = s.x & 0xff;
    this.y = s.y & 0xff;
    this.sp = s.sp & 0xff;
    this.pc = s.pc & 0xffff;
    this.p = s.p;
    this.cycles = s.cycles;
    this.lastAccessWasRead = s.lastAccessWasRead;
    this.halted = s.halted;
    this.lastOpcode = s.lastOpcode & 0xff;
    this.stopRequested = false;
  }

  /** The whole CPU state in `CPU_STATE_BYTES` bytes (for the console's save states). */
  saveState(out = new Uint8Array(CPU_STATE_BYTES), offset = 0): Uint8Array {
    const view = new DataView(out.buffer, out.byteOffset + offset, CPU_STATE_BYTES);
    view.setUint8(0, this.a);
    view.setUint8(1, this.x);
    view.setUint8(2, this.y);
    view.setUint8(3, this.sp);
    view.setUint16(4, this.pc, true);
    view.setUint8(6, this.p);
    view.setUint8(7, (this.lastAccessWasRead ? 1 : 0) | (this.halted ? 2 : 0));
    view.setFloat64(8, this.cycles, true);
    view.setUint8(16, this.lastOpcode);
    return out;
  }

  loadState(bytes: Uint8Array, offset = 0): void {
    if (bytes.length - offset < CPU_STATE_BYTES) {
      throw new Error(`Cpu6502.loadState: need ${CPU_STATE_BYTES} bytes from offset ${offset}, got ${bytes.length - offset}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, CPU_STATE_BYTES);
    this.a = view.getUint8(0);
    this.x = view.getUint8(1);
    this.y = view.getUint8(2);
    this.sp = view.getUint8(3);
    this.pc = view.getUint16(4, true);
    this.p = view.getUint8(6);
    const flags = view.getUint8(7);
    this.lastAccessWasRead = (flags & 1) !== 0;
    this.halted = (flags & 2) !== 0;
    this.cycles = view.getFloat64(8, true);
    this.lastOpcode = view.getUint8(16);
    this.stopRequested = false;
  }
}
