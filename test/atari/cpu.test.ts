import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Cpu6502, OPCODE_CYCLES, JAM_OPCODES, CPU_STATE_BYTES, type Bus } from '../../lib/atari/cpu';
import { needShared } from '../helpers';

/** A flat 64 KiB bus that records every access. */
class FlatBus implements Bus {
  mem = new Uint8Array(0x10000);
  log: string[] | null = null;
  read(address: number): number {
    if (this.log) this.log.push(`R${address.toString(16)}`);
    return this.mem[address];
  }
  write(address: number, value: number): void {
    if (this.log) this.log.push(`W${address.toString(16)}=${value.toString(16)}`);
    this.mem[address] = value;
  }
}

function cpuWith(program: number[], at = 0x0200): { cpu: Cpu6502; bus: FlatBus } {
  const bus = new FlatBus();
  bus.mem.set(program, at);
  bus.mem[0xfffc] = at & 0xff;
  bus.mem[0xfffd] = at >> 8;
  const cpu = new Cpu6502(bus);
  cpu.reset();
  return { cpu, bus };
}

test("Klaus Dormann's 6502 functional test reaches its success loop at 0x3469", (t) => {
  const path = needShared(t, 'testdata', '6502', '6502_functional_test.bin');
  if (!path) return;
  const bus = new FlatBus();
  bus.mem.set(readFileSync(path));
  const cpu = new Cpu6502(bus);
  cpu.reset();
  cpu.pc = 0x0400;
  let trappedAt = -1;
  for (let chunk = 0; chunk < 20000 && trappedAt < 0; chunk++) {
    cpu.execute(5000);
    // A trap is an instruction that jumps or branches to itself.
    const pc = cpu.pc;
    cpu.execute(1);
    if (cpu.pc === pc) {
      cpu.execute(1);
      if (cpu.pc === pc) trappedAt = pc;
    }
  }
  assert.equal(trappedAt.toString(16), '3469', `the test trapped at 0x${trappedAt.toString(16)} (see the listing for the failed check)`);
});

test('every opcode but the 12 JAMs executes; JAM halts the CPU until reset', () => {
  for (let op = 0; op < 256; op++) {
    const { cpu } = cpuWith([op, 0x10, 0x02, 0xea]);
    cpu.execute(1);
    assert.equal(cpu.halted, JAM_OPCODES.includes(op), `opcode ${op.toString(16)}`);
  }
  const { cpu } = cpuWith([0xea, 0x02, 0xea, 0xea]);
  assert.equal(cpu.execute(100), 2);
  assert.equal(cpu.execute(100), 0);
  assert.equal(cpu.pc, 0x0202);
  cpu.reset();
  assert.equal(cpu.halted, false);
  assert.equal(cpu.execute(1), 1);
});

test('base cycle counts of every opcode (no page crossing, branch not taken)', () => {
  for (let op = 0; op < 256; op++) {
    if (JAM_OPCODES.includes(op)) continue;
    // Operands 0x10 0x02: zero page/abs addresses in page 2 or 0, indexes 0, never crossing a page.
    const { cpu, bus } = cpuWith([op, 0x10, 0x02]);
    bus.mem[0xfffe] = 0x00;
    bus.mem[0xffff] = 0x03; // BRK vector
    // Flags chosen so every branch is not taken: N=0 (BPL taken!) -> handled below.
    cpu.p = 0x20;
    const before = cpu.cycles;
    cpu.execute(1);
    let expected = OPCODE_CYCLES[op];
    // With P=0x20, BPL/BVC/BCC/BNE are taken (+1, same page).
    if ([0x10, 0x50, 0x90, 0xd0].includes(op)) expected += 1;
    assert.equal(cpu.cycles - before, expected, `opcode ${op.toString(16)}`);
  }
});

test('page crossing adds a cycle for indexed reads, not for writes or read-modify-writes', () => {
  const cases: Array<[number, number]> = [
    [0xbd, 5],
    [0xb9, 5],
    [0x7d, 5],
    [0xbe, 5],
    [0xbc, 5],
    [0xbf, 5],
    [0xbb, 5],
    [0x1c, 5], // abs,X / abs,Y reads
    [0x9d, 5],
    [0x99, 5],
    [0x1e, 7],
    [0xfe, 7],
    [0xdb, 7],
    [0x9f, 5],
    [0x9e, 5],
    [0x9c, 5],
  ];
  for (const [op, cycles] of cases) {
    const { cpu } = cpuWith([op, 0xff, 0x02]);
    cpu.x = 1;
    cpu.y = 1;
    const before = cpu.cycles;
    cpu.execute(1);
    assert.equal(cpu.cycles - before, cycles, `opcode ${op.toString(16)} crossing a page`);
  }
  // (zp),Y: pointer at 0x10 -> 0x02ff, Y=1 crosses
  for (const [op, cycles] of [
    [0xb1, 6],
    [0x91, 6],
    [0xb3, 6],
    [0xd3, 8],
  ] as const) {
    const { cpu, bus } = cpuWith([op, 0x10]);
    bus.mem[0x10] = 0xff;
    bus.mem[0x11] = 0x02;
    cpu.y = 1;
    const before = cpu.cycles;
    cpu.execute(1);
    assert.equal(cpu.cycles - before, cycles, `opcode ${op.toString(16)} crossing a page`);
  }
});

test('branches: 2 cycles not taken, 3 taken, 4 taken across a page', () => {
  const run = (at: number, offset: number, taken: boolean): number => {
    const { cpu } = cpuWith([taken ? 0xd0 : 0xf0, offset], at); // BNE / BEQ with Z clear after reset
    const before = cpu.cycles;
    cpu.execute(1);
    return cpu.cycles - before;
  };
  assert.equal(run(0x0200, 0x10, false), 2);
  assert.equal(run(0x0200, 0x10, true), 3);
  assert.equal(run(0x02f0, 0x20, true), 4);
  assert.equal(run(0x0200, 0x80, true), 4); // backwards into page 1
});

test('bus accesses follow the NMOS sequence, dummy reads and writes included', () => {
  // INC $0210,X with X=0xF0: dummy read of the un-carried address, read, write back, write.
  let { cpu, bus } = cpuWith([0xfe, 0x20, 0x02]);
  cpu.x = 0xf0;
  bus.mem[0x0310] = 0x41;
  bus.log = [];
  cpu.execute(1);
  assert.deepEqual(bus.log, ['R200', 'R201', 'R202', 'R210', 'R310', 'W310=41', 'W310=42']);

  // LDA $02F0,Y with Y=0x20: read of 0x0210 (wrong page), then 0x0310.
  ({ cpu, bus } = cpuWith([0xb9, 0xf0, 0x02]));
  cpu.y = 0x20;
  bus.log = [];
  cpu.execute(1);
  assert.deepEqual(bus.log, ['R200', 'R201', 'R202', 'R210', 'R310']);

  // Implied: a dummy read of the next byte. PHA / PLA: stack dummy reads.
  ({ cpu, bus } = cpuWith([0x48, 0x68]));
  cpu.a = 0x5a;
  bus.log = [];
  cpu.execute(2);
  assert.deepEqual(bus.log, ['R200', 'R201', 'W1ff=5a', 'R201', 'R202', 'R1fe', 'R1ff']);

  // JSR / RTS
  ({ cpu, bus } = cpuWith([0x20, 0x00, 0x03]));
  bus.mem[0x0300] = 0x60;
  bus.log = [];
  cpu.execute(2);
  assert.deepEqual(bus.log, ['R200', 'R201', 'R1ff', 'W1ff=2', 'W1fe=2', 'R202', 'R300', 'R301', 'R1fd', 'R1fe', 'R1ff', 'R202']);
  assert.equal(cpu.pc, 0x0203);

  // STA zp,X: dummy read of the base address; STA abs: no dummy access.
  ({ cpu, bus } = cpuWith([0x95, 0x80, 0x8d, 0x34, 0x12]));
  cpu.x = 0x90;
  bus.log = [];
  cpu.execute(2);
  assert.deepEqual(bus.log, ['R200', 'R201', 'R80', 'W10=0', 'R202', 'R203', 'R204', 'W1234=0']);
});

test('lastAccessWasRead tells whether the previous access was a read', () => {
  const seen: boolean[] = [];
  const bus: Bus & { cpu?: Cpu6502 } = {
    read: () => 0xea,
    write(address) {
      if (address === 0x02) seen.push(cpuRef.lastAccessWasRead);
    },
  };
  const cpuRef = new Cpu6502(bus);
  cpuRef.reset();
  // STA $02 at PC: previous access is the operand fetch (read) -> true.
  bus.read = (a: number) => (a === cpuRef.pc - 0 ? 0x85 : 0x02);
  cpuRef.pc = 0x1000;
  const mem = new Map<number, number>([
    [0x1000, 0x85],
    [0x1001, 0x02],
    [0x1002, 0x06],
    [0x1003, 0x02],
  ]);
  bus.read = (a: number) => mem.get(a) ?? 0;
  cpuRef.execute(1);
  assert.deepEqual(seen, [true]);
  // ASL $02 (RMW): the second write follows a write -> false.
  cpuRef.execute(1);
  assert.deepEqual(seen, [true, true, false]);
});

test('decimal mode follows the emulator core (valid BCD like a 6502, carry from the BCD result)', () => {
  const adc = (a: number, op: number, carry: number): [number, number] => {
    const { cpu } = cpuWith([0xf8, 0x69, op]);
    cpu.a = a;
    cpu.p = 0x20 | carry;
    cpu.execute(2);
    return [cpu.a, cpu.p & 1];
  };
  assert.deepEqual(adc(0x19, 0x28, 0), [0x47, 0]);
  assert.deepEqual(adc(0x58, 0x46, 1), [0x05, 1]);
  assert.deepEqual(adc(0x99, 0x01, 0), [0x00, 1]);
  const sbc = (a: number, op: number, carry: number): [number, number] => {
    const { cpu } = cpuWith([0xf8, 0xe9, op]);
    cpu.a = a;
    cpu.p = 0x20 | carry;
    cpu.execute(2);
    return [cpu.a, cpu.p & 1];
  };
  assert.deepEqual(sbc(0x46, 0x12, 1), [0x34, 1]);
  assert.deepEqual(sbc(0x40, 0x13, 1), [0x27, 1]);
  assert.deepEqual(sbc(0x12, 0x21, 1), [0x91, 0]);
  assert.deepEqual(sbc(0x00, 0x01, 0), [0x98, 0]);
  // Zero flag comes from the BCD result in this core.
  const { cpu } = cpuWith([0xf8, 0x69, 0x01]);
  cpu.a = 0x99;
  cpu.execute(2);
  assert.equal(cpu.p & 0x02, 0x02);
});

test('undocumented opcodes', () => {
  const run = (program: number[], setup: (c: Cpu6502, b: FlatBus) => void): { cpu: Cpu6502; bus: FlatBus } => {
    const r = cpuWith(program);
    setup(r.cpu, r.bus);
    r.cpu.execute(1);
    return r;
  };
  // LAX zp
  let r = run([0xa7, 0x40], (_c, b) => {
    b.mem[0x40] = 0x83;
  });
  assert.equal(r.cpu.a, 0x83);
  assert.equal(r.cpu.x, 0x83);
  assert.equal(r.cpu.p & 0x80, 0x80);
  // SAX abs
  r = run([0x8f, 0x00, 0x03], (c) => {
    c.a = 0xf0;
    c.x = 0x3c;
  });
  assert.equal(r.bus.mem[0x300], 0x30);
  // DCP zp: memory-1, compare with A
  r = run([0xc7, 0x40], (c, b) => {
    b.mem[0x40] = 0x11;
    c.a = 0x10;
  });
  assert.equal(r.bus.mem[0x40], 0x10);
  assert.equal(r.cpu.p & 0x03, 0x03);
  // ISB zp: memory+1, A - memory
  r = run([0xe7, 0x40], (c, b) => {
    b.mem[0x40] = 0x0f;
    c.a = 0x20;
    c.p = 0x21;
  });
  assert.equal(r.bus.mem[0x40], 0x10);
  assert.equal(r.cpu.a, 0x10);
  assert.equal(r.cpu.p & 1, 1);
  // SLO zp
  r = run([0x07, 0x40], (c, b) => {
    b.mem[0x40] = 0x81;
    c.a = 0x04;
  });
  assert.equal(r.bus.mem[0x40], 0x02);
  assert.equal(r.cpu.a, 0x06);
  assert.equal(r.cpu.p & 1, 1);
  // RLA zp
  r = run([0x27, 0x40], (c, b) => {
    b.mem[0x40] = 0x81;
    c.a = 0xff;
    c.p = 0x21;
  });
  assert.equal(r.bus.mem[0x40], 0x03);
  assert.equal(r.cpu.a, 0x03);
  assert.equal(r.cpu.p & 1, 1);
  // SRE zp
  r = run([0x47, 0x40], (c, b) => {
    b.mem[0x40] = 0x03;
    c.a = 0xff;
  });
  assert.equal(r.bus.mem[0x40], 0x01);
  assert.equal(r.cpu.a, 0xfe);
  assert.equal(r.cpu.p & 1, 1);
  // RRA zp: ROR then ADC with the carry out of the rotate
  r = run([0x67, 0x40], (c, b) => {
    b.mem[0x40] = 0x03;
    c.a = 0x10;
    c.p = 0x20;
  });
  assert.equal(r.bus.mem[0x40], 0x01);
  assert.equal(r.cpu.a, 0x12);
  // ANC
  r = run([0x0b, 0x80], (c) => {
    c.a = 0xff;
  });
  assert.equal(r.cpu.a, 0x80);
  assert.equal(r.cpu.p & 0x81, 0x81);
  // ALR
  r = run([0x4b, 0x03], (c) => {
    c.a = 0xff;
  });
  assert.equal(r.cpu.a, 0x01);
  assert.equal(r.cpu.p & 1, 1);
  // ARR (binary): (A & op) ROR, C = bit 6, V = bit 6 ^ bit 5
  r = run([0x6b, 0xff], (c) => {
    c.a = 0xc0;
    c.p = 0x21;
  });
  assert.equal(r.cpu.a, 0xe0);
  assert.equal(r.cpu.p & 0x41, 0x01);
  // SBX: X = (A & X) - op
  r = run([0xcb, 0x02], (c) => {
    c.a = 0x0f;
    c.x = 0x07;
  });
  assert.equal(r.cpu.x, 0x05);
  assert.equal(r.cpu.p & 1, 1);
  // SBC $EB is SBC immediate
  r = run([0xeb, 0x01], (c) => {
    c.a = 0x05;
    c.p = 0x21;
  });
  assert.equal(r.cpu.a, 0x04);
  // NOP zp,X reads its operand (dummy read + read)
  r = run([0x14, 0x40], (c, b) => {
    c.x = 1;
    b.log = [];
  });
  assert.deepEqual(r.bus.log, ['R200', 'R201', 'R40', 'R41']);
  // LAS
  r = run([0xbb, 0x00, 0x03], (c, b) => {
    b.mem[0x300] = 0x3c;
    c.sp = 0xf0;
  });
  assert.equal(r.cpu.a, 0x30);
  assert.equal(r.cpu.x, 0x30);
  assert.equal(r.cpu.sp, 0x30);
});

test('state save/restore is exact', () => {
  const { cpu } = cpuWith([0xa9, 0x80, 0xf8, 0x38, 0xa2, 0x07]);
  cpu.execute(3);
  const saved = cpu.saveState();
  assert.equal(saved.length, CPU_STATE_BYTES);
  const snap = cpu.getState();
  cpu.execute(1);
  assert.notDeepEqual(cpu.getState(), snap);
  cpu.loadState(saved);
  assert.deepEqual(cpu.getState(), snap);
  cpu.execute(1);
  cpu.setState(snap);
  assert.deepEqual(cpu.getState(), snap);
});

test('direct reads: ROM below the limit is read without the bus (same values, data bus latched), the rest through it', () => {
  // The program at 0xF000 loads from the window (0xF0F0), from above the limit (0xFFF8) and from RAM.
  const program = [0xad, 0xf0, 0xf0, 0xad, 0xf8, 0xff, 0xa5, 0x80];
  const viaBus = cpuWith(program, 0xf000);
  viaBus.bus.mem[0xf0f0] = 0x5a;
  viaBus.bus.mem[0xfff8] = 0x6b;
  viaBus.bus.mem[0x80] = 0x7c;
  const direct = cpuWith(program, 0xf000);
  direct.bus.mem.set(viaBus.bus.mem);
  // A 4K window: 0xF000-0xFFF7 (A12 set, low 12 bits below 0xFF8) mirrors mem[0xF000 + (address & 0xFFF)].
  direct.cpu.setDirectRead(direct.bus.mem.subarray(0xf000), 0xfff, 0xff8);
  direct.bus.log = [];
  viaBus.bus.log = [];
  const seen: number[] = [];
  for (let k = 0; k < 3; k++) {
    viaBus.cpu.step();
    direct.cpu.step();
    assert.equal(direct.cpu.a, viaBus.cpu.a);
    assert.equal(direct.cpu.cycles, viaBus.cpu.cycles);
    seen.push(direct.cpu.a);
  }
  assert.deepEqual(seen, [0x5a, 0x6b, 0x7c]);
  assert.deepEqual(direct.bus.log, ['Rfff8', 'R80'], 'only the hotspot-range and RAM reads reach the bus');
  assert.equal(viaBus.bus.log.length, 11);
  direct.cpu.step(); // BRK at 0xF008: its operand fetch is a direct read of 0x00
  assert.equal(direct.cpu.dataBus, 0x00);
  assert.throws(() => direct.cpu.setDirectRead(new Uint8Array(16), 0xfff, 0xff8), /covering the mask/);
});

/** The Atari's decoding of RIOT RAM: A12 = 0, A9 = 0, A7 = 1 selects ram[address & 0x7f] (zero page 0x80-0xFF, the stack, mirrors). */
class MirroredRamBus extends FlatBus {
  ram = new Uint8Array(128);
  cpu: Cpu6502 | null = null; // its data bus latches every value, as the console's does
  static isRam(address: number): boolean {
    return (address & 0x1280) === 0x0080;
  }
  override read(address: number): number {
    let v: number;
    if (MirroredRamBus.isRam(address)) {
      this.log?.push(`R${address.toString(16)}`);
      v = this.ram[address & 0x7f];
    } else v = super.read(address);
    if (this.cpu) this.cpu.dataBus = v;
    return v;
  }
  override write(address: number, value: number): void {
    if (MirroredRamBus.isRam(address)) {
      this.log?.push(`W${address.toString(16)}=${value.toString(16)}`);
      this.ram[address & 0x7f] = value;
    } else super.write(address, value);
    if (this.cpu) this.cpu.dataBus = value;
  }
}

test('direct RAM: zero-page, stack and pointer accesses to RAM skip the bus with the same results, everything else goes through it', () => {
  const program = [
    0xa9,
    0x42,
    0x85,
    0x85,
    0xa6,
    0x85, // LDA #$42; STA $85; LDX $85
    0x48,
    0xa9,
    0x00,
    0x68, // PHA; LDA #0; PLA (stack at 0x1FF: RAM)
    0xa9,
    0x34,
    0x85,
    0x90,
    0xa9,
    0x12,
    0x85,
    0x91,
    0xa0,
    0x01,
    0xb1,
    0x90, // pointer 0x1234 in RAM; LDY #1; LDA ($90),Y
    0x85,
    0x10,
    0xe6,
    0x85,
    0xa5,
    0x85, // STA $10 (not RAM); INC $85; LDA $85
    0xa1,
    0x4e, // LDA ($4E,X): X = 0x42, pointer at 0x90
    0x20,
    0x40,
    0xf0,
    0xea,
    0x02, // JSR $F040; NOP; JAM
  ];
  const make = () => {
    const bus = new MirroredRamBus();
    bus.mem.set(program, 0xf000);
    bus.mem[0xf040] = 0x60; // RTS
    bus.mem[0x1234] = 0x77;
    bus.mem[0x1235] = 0x99;
    bus.mem[0xfffc] = 0x00;
    bus.mem[0xfffd] = 0xf0;
    const cpu = new Cpu6502(bus);
    bus.cpu = cpu;
    cpu.reset();
    bus.log = [];
    return { cpu, bus };
  };
  const viaBus = make();
  const direct = make();
  direct.cpu.setDirectRam(direct.bus.ram, 0x1280, 0x0080, 0x7f);
  for (let k = 0; k < 40 && !viaBus.cpu.halted; k++) {
    viaBus.cpu.step();
    direct.cpu.step();
    const [a, b] = [viaBus.cpu.getState(), direct.cpu.getState()];
    assert.deepEqual(b, a, `after instruction ${k + 1}`);
    assert.equal(direct.cpu.dataBus, viaBus.cpu.dataBus, `data bus after instruction ${k + 1}`);
  }
  assert.ok(viaBus.cpu.halted, 'the program ran to its JAM');
  assert.deepEqual(direct.bus.ram, viaBus.bus.ram);
  assert.deepEqual(direct.bus.mem, viaBus.bus.mem);
  assert.equal(viaBus.cpu.a, 0x77, 'LDA ($4E,X) read through the pointer in RAM');
  const ramAccesses = (log: string[]) => log.filter((e) => MirroredRamBus.isRam(parseInt(e.slice(1).split('=')[0], 16)));
  assert.ok(ramAccesses(viaBus.bus.log!).length >= 15, 'the program exercised RAM through the bus');
  assert.deepEqual(ramAccesses(direct.bus.log!), [], 'no RAM access reached the bus');
  assert.deepEqual(
    direct.bus.log,
    viaBus.bus.log!.filter((e) => !ramAccesses([e]).length),
    'every other access reached the bus, in order',
  );
  assert.throws(() => direct.cpu.setDirectRam(new Uint8Array(16), 0x1280, 0x0080, 0x7f), /covering the index mask/);
  assert.throws(() => direct.cpu.setDirectRam(new Uint8Array(128), 0x1280, 0x0081, 0x7f), /inside the decode mask/);
});

/** A flat bus with a countdown register at 0x0284: it reads max(0, start - floor(cycle / 8)). */
class TimerBus extends FlatBus {
  reads: number[] = [];
  constructor(
    public cpu: { cycles: number } | null = null,
    public start = 90,
  ) {
    super();
  }
  value(cycle: number): number {
    return Math.max(0, this.start - Math.floor(cycle / 8));
  }
  override read(address: number): number {
    if (address === 0x0284) {
      this.reads.push(this.cpu!.cycles);
      return this.value(this.cpu!.cycles);
    }
    return super.read(address);
  }
}

function pollingCpu(skip: boolean, load: number): { cpu: Cpu6502; bus: TimerBus } {
  // 0xF010: LDx 0x0284; BNE 0xF010; LDA #$42; then a JAM.
  const bus = new TimerBus();
  bus.mem.set([load, 0x84, 0x02, 0xd0, 0xfb, 0xa9, 0x42, 0x02], 0xf010);
  bus.mem[0xfffc] = 0x10;
  bus.mem[0xfffd] = 0xf0;
  const cpu = new Cpu6502(bus);
  bus.cpu = cpu;
  cpu.reset();
  cpu.setDirectRead(bus.mem.subarray(0xf000), 0xfff, 0xff8);
  if (skip) {
    cpu.setPollSkipper(0xffff, 0x0284, (address, firstRead, period) => {
      assert.equal(address, 0x0284);
      let k = 0;
      while (bus.value(firstRead + k * period) !== 0) k++;
      return k;
    });
  }
  return { cpu, bus };
}

test('polling loops: skipped iterations leave exactly the state of running them (clock, registers, instruction budget)', () => {
  for (const load of [0xad, 0xae, 0xac]) {
    const plain = pollingCpu(false, load),
      fast = pollingCpu(true, load);
    const ranPlain = plain.cpu.execute(10_000),
      ranFast = fast.cpu.execute(10_000);
    assert.equal(ranFast, ranPlain, 'instructions counted');
    assert.ok(ranPlain > 100, 'the loop ran many times');
    assert.ok(fast.bus.reads.length <= 2, `the loop was skipped (${fast.bus.reads.length} timer reads)`);
    assert.equal(fast.bus.reads.at(-1), plain.bus.reads.at(-1), 'the final read happens at the same cycle');
    for (const k of ['cycles', 'pc', 'a', 'x', 'y', 'p', 'dataBus', 'lastOpcode', 'halted', 'lastAccessWasRead'] as const) {
      assert.equal(fast.cpu[k], plain.cpu[k], `${load.toString(16)}: ${k}`);
    }
    // A budget that ends inside the loop stops both at the same instruction.
    for (const budget of [1, 2, 3, 50, 51, 200, 201]) {
      const p = pollingCpu(false, load),
        f = pollingCpu(true, load);
      assert.equal(f.cpu.execute(budget), p.cpu.execute(budget));
      assert.deepEqual(
        [f.cpu.cycles, f.cpu.pc, f.cpu.a, f.cpu.x, f.cpu.y],
        [p.cpu.cycles, p.cpu.pc, p.cpu.a, p.cpu.x, p.cpu.y],
        `budget ${budget}`,
      );
    }
  }
  // Not a loop the skipper may shorten: BNE to elsewhere, or code outside the direct-read window.
  const other = pollingCpu(true, 0xad);
  other.bus.mem[0xf014] = 0xfa;
  other.bus.mem[0xf00f] = 0xea; // BNE -6 lands on a NOP before the load
  other.cpu.execute(40);
  assert.ok(other.bus.reads.length > 5, 'a different loop shape runs normally');
});
