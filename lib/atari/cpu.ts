/**
 * The 6502 (the Atari's 6507 is the same core with 13 address lines), instruction-stepped.
 *
 * Timing contract (DESIGN.md): every bus access, including the dummy reads and writes the NMOS 6502
 * performs, first advances `cycles` by one and then happens. Which accesses happen, and in which
 * order, follows the "high compatibility" core of Stella 2.4.2 (the core of ALE), so cartridge
 * hotspots, TIA and RIOT see exactly the accesses they see there. Arithmetic in decimal mode, the
 * undocumented opcodes and the JAM opcodes also behave as in that core: where it differs from a
 * real NMOS chip (decimal-mode N/Z/V flags, the unstable opcodes), it is the core we match.
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
  BCD[256 + t] = (((t % 100) / 10) << 4) | t % 10;
}

/** Base cycle count of every opcode (page crossings and taken branches add to it). */
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
  a: number; x: number; y: number; sp: number; pc: number; p: number;
  cycles: number; lastAccessWasRead: boolean; halted: boolean; lastOpcode: number;
}

/** Bytes used by `saveState()`. */
export const CPU_STATE_BYTES = 20;

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

  constructor(public bus: Bus) {}

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
    let n = 0;
    while (n < maxInstructions && !this.stopRequested && !this.halted) {
      this.step();
      n++;
    }
    return n;
  }

  // ---- bus access: clock first, then the access ----

  private rd(address: number): number {
    this.cycles++;
    const value = this.bus.read(address);
    this.lastAccessWasRead = true;
    return value;
  }

  private wr(address: number, value: number): void {
    this.cycles++;
    this.bus.write(address, value);
    this.lastAccessWasRead = false;
  }

  private fetch(): number {
    const value = this.rd(this.pc);
    this.pc = (this.pc + 1) & 0xffff;
    return value;
  }

  // ---- addressing modes that read an operand ----

  private zpR(): number {
    return this.rd(this.fetch());
  }

  private zpxR(): number {
    const base = this.fetch();
    this.rd(base);
    return this.rd((base + this.x) & 0xff);
  }

  private zpyR(): number {
    const base = this.fetch();
    this.rd(base);
    return this.rd((base + this.y) & 0xff);
  }

  private absR(): number {
    const lo = this.fetch();
    return this.rd(lo | (this.fetch() << 8));
  }

  /** Indexed read: reads the un-carried address first, then the right one if a page was crossed. */
  private indexedR(lo: number, hi: number, index: number): number {
    const sum = lo + index;
    const value = this.rd(hi | (sum & 0xff));
    return sum > 0xff ? this.rd((hi + sum) & 0xffff) : value;
  }

  private absxR(): number {
    const lo = this.fetch();
    return this.indexedR(lo, this.fetch() << 8, this.x);
  }

  private absyR(): number {
    const lo = this.fetch();
    return this.indexedR(lo, this.fetch() << 8, this.y);
  }

  private izxR(): number {
    return this.rd(this.izxW());
  }

  private izyR(): number {
    const ptr = this.fetch();
    const lo = this.rd(ptr);
    return this.indexedR(lo, this.rd((ptr + 1) & 0xff) << 8, this.y);
  }

  // ---- addressing modes that compute a target address (writes and read-modify-writes) ----

  private zpxW(): number {
    const base = this.fetch();
    this.rd(base);
    return (base + this.x) & 0xff;
  }

  private zpyW(): number {
    const base = this.fetch();
    this.rd(base);
    return (base + this.y) & 0xff;
  }

  private absW(): number {
    const lo = this.fetch();
    return lo | (this.fetch() << 8);
  }

  /** Indexed write target: always reads the un-carried address first. */
  private indexedW(lo: number, hi: number, index: number): number {
    this.rd(hi | ((lo + index) & 0xff));
    return (hi + lo + index) & 0xffff;
  }

  private absxW(): number {
    const lo = this.fetch();
    return this.indexedW(lo, this.fetch() << 8, this.x);
  }

  private absyW(): number {
    const lo = this.fetch();
    return this.indexedW(lo, this.fetch() << 8, this.y);
  }

  private izxW(): number {
    let ptr = this.fetch();
    this.rd(ptr);
    ptr = (ptr + this.x) & 0xff;
    const lo = this.rd(ptr);
    return lo | (this.rd((ptr + 1) & 0xff) << 8);
  }

  private izyW(): number {
    const ptr = this.fetch();
    const lo = this.rd(ptr);
    return this.indexedW(lo, this.rd((ptr + 1) & 0xff) << 8, this.y);
  }

  /** First half of a read-modify-write: read the operand, then write it back unchanged. */
  private rmw(address: number): number {
    const value = this.rd(address);
    this.wr(address, value);
    return value;
  }

  // ---- operations ----

  private setNZ(value: number): void {
    this.nv = this.zv = value;
  }

  private adc(op: number): void {
    const a = this.a;
    if (!this.d) {
      const sum = a + op + this.c;
      this.v = ((~(a ^ op) & (a ^ sum)) >> 7) & 1;
      this.c = sum > 0xff ? 1 : 0;
      this.a = this.nv = this.zv = sum & 0xff;
    } else {
      const sum = BCD[a] + BCD[op] + this.c;
      this.c = sum > 99 ? 1 : 0;
      const r = BCD[256 + (sum & 0xff)];
      this.a = this.nv = this.zv = r;
      this.v = (a ^ r) & 0x80 && (r ^ op) & 0x80 ? 1 : 0;
    }
  }

  private sbc(op: number): void {
    const a = this.a;
    if (!this.d) {
      this.adc(op ^ 0xff);
    } else {
      const borrow = 1 - this.c;
      let diff = BCD[a] - BCD[op] - borrow;
      if (diff < 0) diff += 100;
      const r = BCD[256 + diff];
      this.a = this.nv = this.zv = r;
      this.c = a >= op + borrow ? 1 : 0;
      this.v = (a ^ r) & 0x80 && (r ^ op) & 0x80 ? 1 : 0;
    }
  }

  private compare(reg: number, op: number): void {
    const diff = reg - op;
    this.nv = diff & 0x80;
    this.zv = diff;
    this.c = diff >= 0 ? 1 : 0;
  }

  private asl(value: number): number {
    this.c = value >> 7;
    const r = (value << 1) & 0xff;
    this.nv = this.zv = r;
    return r;
  }

  private lsr(value: number): number {
    this.c = value & 1;
    const r = value >> 1;
    this.nv = this.zv = r;
    return r;
  }

  private rol(value: number): number {
    const r = ((value << 1) | this.c) & 0xff;
    this.c = value >> 7;
    this.nv = this.zv = r;
    return r;
  }

  private ror(value: number): number {
    const r = (value >> 1) | (this.c << 7);
    this.c = value & 1;
    this.nv = this.zv = r;
    return r;
  }

  private branch(taken: boolean): void {
    const offset = this.fetch();
    if (!taken) return;
    const pc = this.pc;
    this.rd(pc);
    const target = (pc + ((offset ^ 0x80) - 0x80)) & 0xffff;
    if ((pc ^ target) & 0xff00) this.rd((pc & 0xff00) | (target & 0xff));
    this.pc = target;
  }

  private push(value: number): void {
    this.wr(0x100 | this.sp, value);
    this.sp = (this.sp - 1) & 0xff;
  }

  /** The stack pops of PLA/PLP/RTS/RTI: a dummy read at SP, then reads after each increment. */
  private pullFirst(): number {
    this.rd(0x100 | this.sp);
    this.sp = (this.sp + 1) & 0xff;
    return this.rd(0x100 | this.sp);
  }

  private pullNext(): number {
    this.sp = (this.sp + 1) & 0xff;
    return this.rd(0x100 | this.sp);
  }

  /** Store with the high-byte-plus-one mask of SHA/SHX/SHY/SHS. */
  private storeHigh(address: number, value: number): void {
    this.wr(address, value & (((address >> 8) + 1) & 0xff));
  }

  /** Executes one instruction. */
  step(): void {
    const opcode = this.fetch();
    this.lastOpcode = opcode;
    let ea: number;
    let t: number;
    switch (opcode) {
      // ---- loads ----
      case 0xa9: this.a = this.nv = this.zv = this.fetch(); break;
      case 0xa5: this.a = this.nv = this.zv = this.zpR(); break;
      case 0xb5: this.a = this.nv = this.zv = this.zpxR(); break;
      case 0xad: this.a = this.nv = this.zv = this.absR(); break;
      case 0xbd: this.a = this.nv = this.zv = this.absxR(); break;
      case 0xb9: this.a = this.nv = this.zv = this.absyR(); break;
      case 0xa1: this.a = this.nv = this.zv = this.izxR(); break;
      case 0xb1: this.a = this.nv = this.zv = this.izyR(); break;
      case 0xa2: this.x = this.nv = this.zv = this.fetch(); break;
      case 0xa6: this.x = this.nv = this.zv = this.zpR(); break;
      case 0xb6: this.x = this.nv = this.zv = this.zpyR(); break;
      case 0xae: this.x = this.nv = this.zv = this.absR(); break;
      case 0xbe: this.x = this.nv = this.zv = this.absyR(); break;
      case 0xa0: this.y = this.nv = this.zv = this.fetch(); break;
      case 0xa4: this.y = this.nv = this.zv = this.zpR(); break;
      case 0xb4: this.y = this.nv = this.zv = this.zpxR(); break;
      case 0xac: this.y = this.nv = this.zv = this.absR(); break;
      case 0xbc: this.y = this.nv = this.zv = this.absxR(); break;
      // LAX (undocumented): A = X = memory
      case 0xa7: this.a = this.x = this.nv = this.zv = this.zpR(); break;
      case 0xb7: this.a = this.x = this.nv = this.zv = this.zpyR(); break;
      case 0xaf: this.a = this.x = this.nv = this.zv = this.absR(); break;
      case 0xbf: this.a = this.x = this.nv = this.zv = this.absyR(); break;
      case 0xa3: this.a = this.x = this.nv = this.zv = this.izxR(); break;
      case 0xb3: this.a = this.x = this.nv = this.zv = this.izyR(); break;

      // ---- stores ----
      case 0x85: this.wr(this.fetch(), this.a); break;
      case 0x95: this.wr(this.zpxW(), this.a); break;
      case 0x8d: this.wr(this.absW(), this.a); break;
      case 0x9d: this.wr(this.absxW(), this.a); break;
      case 0x99: this.wr(this.absyW(), this.a); break;
      case 0x81: this.wr(this.izxW(), this.a); break;
      case 0x91: this.wr(this.izyW(), this.a); break;
      case 0x86: this.wr(this.fetch(), this.x); break;
      case 0x96: this.wr(this.zpyW(), this.x); break;
      case 0x8e: this.wr(this.absW(), this.x); break;
      case 0x84: this.wr(this.fetch(), this.y); break;
      case 0x94: this.wr(this.zpxW(), this.y); break;
      case 0x8c: this.wr(this.absW(), this.y); break;
      // SAX (undocumented): memory = A & X
      case 0x87: this.wr(this.fetch(), this.a & this.x); break;
      case 0x97: this.wr(this.zpyW(), this.a & this.x); break;
      case 0x8f: this.wr(this.absW(), this.a & this.x); break;
      case 0x83: this.wr(this.izxW(), this.a & this.x); break;
      // SHA / SHX / SHY / SHS (undocumented, unstable): value & (high byte of target + 1)
      case 0x9f: this.storeHigh(this.absyW(), this.a & this.x); break;
      case 0x93: this.storeHigh(this.izyW(), this.a & this.x); break;
      case 0x9e: this.storeHigh(this.absyW(), this.x); break;
      case 0x9c: this.storeHigh(this.absxW(), this.y); break;
      case 0x9b: ea = this.absyW(); this.sp = this.a & this.x; this.storeHigh(ea, this.a & this.x); break;

      // ---- register transfers, flag operations, implied NOPs ----
      case 0xaa: this.rd(this.pc); this.x = this.nv = this.zv = this.a; break;
      case 0xa8: this.rd(this.pc); this.y = this.nv = this.zv = this.a; break;
      case 0xba: this.rd(this.pc); this.x = this.nv = this.zv = this.sp; break;
      case 0x8a: this.rd(this.pc); this.a = this.nv = this.zv = this.x; break;
      case 0x9a: this.rd(this.pc); this.sp = this.x; break;
      case 0x98: this.rd(this.pc); this.a = this.nv = this.zv = this.y; break;
      case 0xe8: this.rd(this.pc); this.x = this.nv = this.zv = (this.x + 1) & 0xff; break;
      case 0xc8: this.rd(this.pc); this.y = this.nv = this.zv = (this.y + 1) & 0xff; break;
      case 0xca: this.rd(this.pc); this.x = this.nv = this.zv = (this.x - 1) & 0xff; break;
      case 0x88: this.rd(this.pc); this.y = this.nv = this.zv = (this.y - 1) & 0xff; break;
      case 0x18: this.rd(this.pc); this.c = 0; break;
      case 0x38: this.rd(this.pc); this.c = 1; break;
      case 0x58: this.rd(this.pc); this.i = 0; break;
      case 0x78: this.rd(this.pc); this.i = 1; break;
      case 0xb8: this.rd(this.pc); this.v = 0; break;
      case 0xd8: this.rd(this.pc); this.d = 0; break;
      case 0xf8: this.rd(this.pc); this.d = 1; break;
      case 0xea: case 0x1a: case 0x3a: case 0x5a: case 0x7a: case 0xda: case 0xfa:
        this.rd(this.pc);
        break;
      // NOPs that read an operand (undocumented): the reads still happen
      case 0x80: case 0x82: case 0x89: case 0xc2: case 0xe2: this.fetch(); break;
      case 0x04: case 0x44: case 0x64: this.zpR(); break;
      case 0x14: case 0x34: case 0x54: case 0x74: case 0xd4: case 0xf4: this.zpxR(); break;
      case 0x0c: this.absR(); break;
      case 0x1c: case 0x3c: case 0x5c: case 0x7c: case 0xdc: case 0xfc: this.absxR(); break;

      // ---- logic ----
      case 0x29: this.setNZ((this.a &= this.fetch())); break;
      case 0x25: this.setNZ((this.a &= this.zpR())); break;
      case 0x35: this.setNZ((this.a &= this.zpxR())); break;
      case 0x2d: this.setNZ((this.a &= this.absR())); break;
      case 0x3d: this.setNZ((this.a &= this.absxR())); break;
      case 0x39: this.setNZ((this.a &= this.absyR())); break;
      case 0x21: this.setNZ((this.a &= this.izxR())); break;
      case 0x31: this.setNZ((this.a &= this.izyR())); break;
      case 0x09: this.setNZ((this.a |= this.fetch())); break;
      case 0x05: this.setNZ((this.a |= this.zpR())); break;
      case 0x15: this.setNZ((this.a |= this.zpxR())); break;
      case 0x0d: this.setNZ((this.a |= this.absR())); break;
      case 0x1d: this.setNZ((this.a |= this.absxR())); break;
      case 0x19: this.setNZ((this.a |= this.absyR())); break;
      case 0x01: this.setNZ((this.a |= this.izxR())); break;
      case 0x11: this.setNZ((this.a |= this.izyR())); break;
      case 0x49: this.setNZ((this.a ^= this.fetch())); break;
      case 0x45: this.setNZ((this.a ^= this.zpR())); break;
      case 0x55: this.setNZ((this.a ^= this.zpxR())); break;
      case 0x4d: this.setNZ((this.a ^= this.absR())); break;
      case 0x5d: this.setNZ((this.a ^= this.absxR())); break;
      case 0x59: this.setNZ((this.a ^= this.absyR())); break;
      case 0x41: this.setNZ((this.a ^= this.izxR())); break;
      case 0x51: this.setNZ((this.a ^= this.izyR())); break;
      case 0x24: t = this.zpR(); this.nv = t; this.v = (t >> 6) & 1; this.zv = this.a & t; break;
      case 0x2c: t = this.absR(); this.nv = t; this.v = (t >> 6) & 1; this.zv = this.a & t; break;

      // ---- arithmetic ----
      case 0x69: this.adc(this.fetch()); break;
      case 0x65: this.adc(this.zpR()); break;
      case 0x75: this.adc(this.zpxR()); break;
      case 0x6d: this.adc(this.absR()); break;
      case 0x7d: this.adc(this.absxR()); break;
      case 0x79: this.adc(this.absyR()); break;
      case 0x61: this.adc(this.izxR()); break;
      case 0x71: this.adc(this.izyR()); break;
      case 0xe9: case 0xeb: this.sbc(this.fetch()); break;
      case 0xe5: this.sbc(this.zpR()); break;
      case 0xf5: this.sbc(this.zpxR()); break;
      case 0xed: this.sbc(this.absR()); break;
      case 0xfd: this.sbc(this.absxR()); break;
      case 0xf9: this.sbc(this.absyR()); break;
      case 0xe1: this.sbc(this.izxR()); break;
      case 0xf1: this.sbc(this.izyR()); break;
      case 0xc9: this.compare(this.a, this.fetch()); break;
      case 0xc5: this.compare(this.a, this.zpR()); break;
      case 0xd5: this.compare(this.a, this.zpxR()); break;
      case 0xcd: this.compare(this.a, this.absR()); break;
      case 0xdd: this.compare(this.a, this.absxR()); break;
      case 0xd9: this.compare(this.a, this.absyR()); break;
      case 0xc1: this.compare(this.a, this.izxR()); break;
      case 0xd1: this.compare(this.a, this.izyR()); break;
      case 0xe0: this.compare(this.x, this.fetch()); break;
      case 0xe4: this.compare(this.x, this.zpR()); break;
      case 0xec: this.compare(this.x, this.absR()); break;
      case 0xc0: this.compare(this.y, this.fetch()); break;
      case 0xc4: this.compare(this.y, this.zpR()); break;
      case 0xcc: this.compare(this.y, this.absR()); break;

      // ---- shifts and rotates ----
      case 0x0a: this.rd(this.pc); this.a = this.asl(this.a); break;
      case 0x4a: this.rd(this.pc); this.a = this.lsr(this.a); break;
      case 0x2a: this.rd(this.pc); this.a = this.rol(this.a); break;
      case 0x6a: this.rd(this.pc); this.a = this.ror(this.a); break;
      case 0x06: ea = this.fetch(); this.wr(ea, this.asl(this.rmw(ea))); break;
      case 0x16: ea = this.zpxW(); this.wr(ea, this.asl(this.rmw(ea))); break;
      case 0x0e: ea = this.absW(); this.wr(ea, this.asl(this.rmw(ea))); break;
      case 0x1e: ea = this.absxW(); this.wr(ea, this.asl(this.rmw(ea))); break;
      case 0x46: ea = this.fetch(); this.wr(ea, this.lsr(this.rmw(ea))); break;
      case 0x56: ea = this.zpxW(); this.wr(ea, this.lsr(this.rmw(ea))); break;
      case 0x4e: ea = this.absW(); this.wr(ea, this.lsr(this.rmw(ea))); break;
      case 0x5e: ea = this.absxW(); this.wr(ea, this.lsr(this.rmw(ea))); break;
      case 0x26: ea = this.fetch(); this.wr(ea, this.rol(this.rmw(ea))); break;
      case 0x36: ea = this.zpxW(); this.wr(ea, this.rol(this.rmw(ea))); break;
      case 0x2e: ea = this.absW(); this.wr(ea, this.rol(this.rmw(ea))); break;
      case 0x3e: ea = this.absxW(); this.wr(ea, this.rol(this.rmw(ea))); break;
      case 0x66: ea = this.fetch(); this.wr(ea, this.ror(this.rmw(ea))); break;
      case 0x76: ea = this.zpxW(); this.wr(ea, this.ror(this.rmw(ea))); break;
      case 0x6e: ea = this.absW(); this.wr(ea, this.ror(this.rmw(ea))); break;
      case 0x7e: ea = this.absxW(); this.wr(ea, this.ror(this.rmw(ea))); break;

      // ---- increments and decrements in memory ----
      case 0xe6: ea = this.fetch(); this.incMem(ea); break;
      case 0xf6: ea = this.zpxW(); this.incMem(ea); break;
      case 0xee: ea = this.absW(); this.incMem(ea); break;
      case 0xfe: ea = this.absxW(); this.incMem(ea); break;
      case 0xc6: ea = this.fetch(); this.decMem(ea); break;
      case 0xd6: ea = this.zpxW(); this.decMem(ea); break;
      case 0xce: ea = this.absW(); this.decMem(ea); break;
      case 0xde: ea = this.absxW(); this.decMem(ea); break;

      // ---- undocumented read-modify-write combinations ----
      // SLO: ASL memory, then ORA
      case 0x07: this.slo(this.fetch()); break;
      case 0x17: this.slo(this.zpxW()); break;
      case 0x0f: this.slo(this.absW()); break;
      case 0x1f: this.slo(this.absxW()); break;
      case 0x1b: this.slo(this.absyW()); break;
      case 0x03: this.slo(this.izxW()); break;
      case 0x13: this.slo(this.izyW()); break;
      // RLA: ROL memory, then AND
      case 0x27: this.rla(this.fetch()); break;
      case 0x37: this.rla(this.zpxW()); break;
      case 0x2f: this.rla(this.absW()); break;
      case 0x3f: this.rla(this.absxW()); break;
      case 0x3b: this.rla(this.absyW()); break;
      case 0x23: this.rla(this.izxW()); break;
      case 0x33: this.rla(this.izyW()); break;
      // SRE: LSR memory, then EOR
      case 0x47: this.sre(this.fetch()); break;
      case 0x57: this.sre(this.zpxW()); break;
      case 0x4f: this.sre(this.absW()); break;
      case 0x5f: this.sre(this.absxW()); break;
      case 0x5b: this.sre(this.absyW()); break;
      case 0x43: this.sre(this.izxW()); break;
      case 0x53: this.sre(this.izyW()); break;
      // RRA: ROR memory, then ADC
      case 0x67: this.rra(this.fetch()); break;
      case 0x77: this.rra(this.zpxW()); break;
      case 0x6f: this.rra(this.absW()); break;
      case 0x7f: this.rra(this.absxW()); break;
      case 0x7b: this.rra(this.absyW()); break;
      case 0x63: this.rra(this.izxW()); break;
      case 0x73: this.rra(this.izyW()); break;
      // DCP: DEC memory, then CMP
      case 0xc7: this.dcp(this.fetch()); break;
      case 0xd7: this.dcp(this.zpxW()); break;
      case 0xcf: this.dcp(this.absW()); break;
      case 0xdf: this.dcp(this.absxW()); break;
      case 0xdb: this.dcp(this.absyW()); break;
      case 0xc3: this.dcp(this.izxW()); break;
      case 0xd3: this.dcp(this.izyW()); break;
      // ISB (ISC): INC memory, then SBC
      case 0xe7: this.isb(this.fetch()); break;
      case 0xf7: this.isb(this.zpxW()); break;
      case 0xef: this.isb(this.absW()); break;
      case 0xff: this.isb(this.absxW()); break;
      case 0xfb: this.isb(this.absyW()); break;
      case 0xe3: this.isb(this.izxW()); break;
      case 0xf3: this.isb(this.izyW()); break;

      // ---- undocumented immediate operations ----
      case 0x0b: case 0x2b: // ANC
        this.a = this.nv = this.zv = this.a & this.fetch();
        this.c = this.a >> 7;
        break;
      case 0x4b: // ALR (ASR)
        this.a = this.lsr(this.a & this.fetch());
        break;
      case 0x6b: this.arr(this.fetch()); break;
      case 0x8b: // ANE (XAA), unstable: modelled with the constant 0xEE
        this.a = this.nv = this.zv = (this.a | 0xee) & this.x & this.fetch();
        break;
      case 0xab: // LXA, unstable: modelled with the constant 0xEE
        this.a = this.x = this.nv = this.zv = (this.a | 0xee) & this.fetch();
        break;
      case 0xcb: // SBX (AXS): X = (A & X) - operand, carry as in CMP
        t = (this.a & this.x) - this.fetch();
        this.x = this.nv = this.zv = t & 0xff;
        this.c = t >= 0 ? 1 : 0;
        break;
      case 0xbb: // LAS: A = X = SP = SP & memory
        this.a = this.x = this.sp = this.nv = this.zv = this.sp & this.absyR();
        break;

      // ---- branches ----
      case 0x10: this.branch((this.nv & 0x80) === 0); break;
      case 0x30: this.branch((this.nv & 0x80) !== 0); break;
      case 0x50: this.branch(this.v === 0); break;
      case 0x70: this.branch(this.v !== 0); break;
      case 0x90: this.branch(this.c === 0); break;
      case 0xb0: this.branch(this.c !== 0); break;
      case 0xd0: this.branch(this.zv !== 0); break;
      case 0xf0: this.branch(this.zv === 0); break;

      // ---- jumps, calls, stack, interrupts ----
      case 0x4c: this.pc = this.absW(); break;
      case 0x6c: {
        const ptr = this.absW();
        // The NMOS bug: the high byte is read from the start of the same page.
        const hiPtr = (ptr & 0xff) === 0xff ? ptr & 0xff00 : ptr + 1;
        const lo = this.rd(ptr);
        this.pc = lo | (this.rd(hiPtr) << 8);
        break;
      }
      case 0x20: {
        const lo = this.fetch();
        this.rd(0x100 | this.sp);
        this.push(this.pc >> 8);
        this.push(this.pc & 0xff);
        this.pc = lo | (this.rd(this.pc) << 8);
        break;
      }
      case 0x60: {
        this.rd(this.pc);
        const lo = this.pullFirst();
        this.pc = lo | (this.pullNext() << 8);
        this.rd(this.pc);
        this.pc = (this.pc + 1) & 0xffff;
        break;
      }
      case 0x40: {
        this.rd(this.pc);
        this.p = this.pullFirst();
        const lo = this.pullNext();
        this.pc = lo | (this.pullNext() << 8);
        break;
      }
      case 0x00: // BRK
        this.fetch();
        this.push(this.pc >> 8);
        this.push(this.pc & 0xff);
        this.push(this.p);
        this.i = 1;
        t = this.rd(0xfffe);
        this.pc = t | (this.rd(0xffff) << 8);
        break;
      case 0x48: this.rd(this.pc); this.push(this.a); break;
      case 0x08: this.rd(this.pc); this.push(this.p); break;
      case 0x68: this.rd(this.pc); this.a = this.nv = this.zv = this.pullFirst(); break;
      case 0x28: this.rd(this.pc); this.p = this.pullFirst(); break;

      default:
        // JAM: the opcode fetch happened; the CPU now stays halted until reset.
        this.halted = true;
    }
  }

  private incMem(ea: number): void {
    const r = (this.rmw(ea) + 1) & 0xff;
    this.wr(ea, r);
    this.nv = this.zv = r;
  }

  private decMem(ea: number): void {
    const r = (this.rmw(ea) - 1) & 0xff;
    this.wr(ea, r);
    this.nv = this.zv = r;
  }

  private slo(ea: number): void {
    const r = this.asl(this.rmw(ea));
    this.wr(ea, r);
    this.a = this.nv = this.zv = this.a | r;
  }

  private rla(ea: number): void {
    const r = this.rol(this.rmw(ea));
    this.wr(ea, r);
    this.a = this.nv = this.zv = this.a & r;
  }

  private sre(ea: number): void {
    const r = this.lsr(this.rmw(ea));
    this.wr(ea, r);
    this.a = this.nv = this.zv = this.a ^ r;
  }

  private rra(ea: number): void {
    const r = this.ror(this.rmw(ea));
    this.wr(ea, r);
    this.adc(r);
  }

  private dcp(ea: number): void {
    const r = (this.rmw(ea) - 1) & 0xff;
    this.wr(ea, r);
    this.compare(this.a, r);
  }

  private isb(ea: number): void {
    const r = (this.rmw(ea) + 1) & 0xff;
    this.wr(ea, r);
    this.sbc(r);
  }

  /** ARR: AND then ROR, with its peculiar flags (and a decimal-mode variant). */
  private arr(op: number): void {
    const value = this.a & op;
    const r = (value >> 1) | (this.c << 7);
    if (!this.d) {
      this.a = this.nv = this.zv = r;
      this.c = (r >> 6) & 1;
      this.v = ((r >> 6) ^ (r >> 5)) & 1;
    } else {
      this.nv = this.c << 7;
      this.zv = r;
      this.v = (value ^ r) & 0x40 ? 1 : 0;
      let a = r;
      if ((value & 0x0f) + (value & 0x01) > 0x05) a = (a & 0xf0) | ((a + 0x06) & 0x0f);
      if ((value & 0xf0) + (value & 0x10) > 0x50) {
        a = (a + 0x60) & 0xff;
        this.c = 1;
      } else {
        this.c = 0;
      }
      this.a = a;
    }
  }

  // ---- state ----

  getState(): CpuState {
    return {
      a: this.a, x: this.x, y: this.y, sp: this.sp, pc: this.pc, p: this.p,
      cycles: this.cycles, lastAccessWasRead: this.lastAccessWasRead, halted: this.halted, lastOpcode: this.lastOpcode,
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
