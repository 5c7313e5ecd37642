/**
 * The 6502 as templates: what each addressing mode and each operation does, bus access by bus access.
 * `scripts/generate-cpu.ts` writes `Cpu6502.run` (and the `MODE` table) in `cpu.ts` from this file;
 * edit here, then run `node --import tsx scripts/generate-cpu.ts` (`--check` says whether cpu.ts is
 * up to date; test/atari/cpu-generated.test.ts fails when it is not). This file is read by the
 * generator only, never at run time.
 *
 * Code is plain JavaScript over the interpreter's locals (registers a x y sp pc, flags nv zv c v d i
 * with N = bit 7 of nv and Z set when zv is 0, scratch t m ea lo hi), plus one bus access per line
 * written as a call; the generator writes each out in place as "advance the clock, access, note the
 * kind" with the fast paths of the windows (see `setDirectRead` and `setDirectRam` in cpu.ts):
 *
 *   x = fetch(a);     program memory: the direct-read (ROM) window, else the bus
 *   x = fetch(pc++);  the same, then pc advances (an operand byte)
 *   x = readRam(a);   zero page, stack, pointers, read-modify-write targets: the RAM window, else the bus
 *   x = read(a);      an effective address that may be anything: the ROM window, the RAM window, else the bus
 *   x = readBus(a);   the bus only (the BRK vector)
 *   write(a, value);  the RAM window, else the bus
 *
 * `x = ` may be left out for a dummy read (the access happens, its value is not used). `//` comments
 * in template code are for the reader here; the generator leaves them out. Which accesses
 * happen, and in which order, is Stella 2.4.2's "high compatibility" core, dummy reads and writes
 * included (see cpu.ts).
 */

/** An addressing mode: read modes leave the operand in `t`; write and read-modify-write modes leave the target in `ea`. */
export interface ModeTemplate {
  name: string;
  code: string;
}

/**
 * An operation: its code runs after its addressing mode's. `opcodes` lists `mode hex` pairs, e.g.
 * 'zpR 05, imm 09'. `title` is the comment the generated case carries.
 */
export interface Operation {
  title: string;
  opcodes: string;
  code: string;
}

/** The line in the absolute read mode where the loads of `POLLING_LOADS` check for a timer wait loop. */
export const POLL_HOOK = '@pollSkip';

/** Template pieces one after another. */
const lines = (...pieces: string[]): string => pieces.join('\n');

// ---- pieces several modes share ----

/** zp,X and zp,Y: a dummy read of the unindexed address, then the index wraps in page zero. */
const zeroPageIndexed = (index: string): string => `
  ea = fetch(pc++);
  readRam(ea);
  ea = (ea + ${index}) & 0xff;
`;

/** abs,X, abs,Y and (zp),Y once the base is in lo and hi: the index is added to the low byte first. */
const indexLowByte = (index: string): string => `
  hi <<= 8;
  lo += ${index};
  ea = hi | (lo & 0xff);
`;

/** The read of an indexed mode: at the low-byte-indexed address, and again at the right one when the index crossed a page. */
const indexedRead = `
  t = read(ea);
  if (lo > 0xff) {
    ea = (hi + lo) & 0xffff;
    t = read(ea);
  }
`;

/** Before an indexed write the read at the low-byte-indexed address always happens. */
const indexedTarget = `
  t = read(ea);
  ea = (hi + lo) & 0xffff;
`;

/** (zp,X): the pointer, read from page zero after a dummy read, its high byte wrapping there too. */
const pointerX = `
  ea = fetch(pc++);
  readRam(ea);
  ea = (ea + x) & 0xff;
  lo = readRam(ea);
  m = (ea + 1) & 0xff;
  hi = readRam(m);
  ea = lo | (hi << 8);
`;

/** (zp),Y: the pointer from page zero, its high byte wrapping there, then indexed as abs,Y. */
const pointerY = lines(
  `
    ea = fetch(pc++);
    lo = readRam(ea);
    m = (ea + 1) & 0xff;
    hi = readRam(m);
  `,
  indexLowByte('y'),
);

/** abs,X and abs,Y: the two bytes of the base address. */
const absoluteLowHigh = `
  lo = fetch(pc++);
  hi = fetch(pc++);
`;

/**
 * The modes, numbered in this order in the `MODE` table. The suffix says what the operation needs: R
 * the operand's value (in `t`), W its address (in `ea`; stores, read-modify-write, JMP). `none` has no
 * code: its opcodes (JSR and the JAMs) do all their accesses themselves.
 */
export const MODES: ModeTemplate[] = [
  { name: 'imp', code: 't = fetch(pc);' }, // implied and accumulator: the 6502 reads the next byte and ignores it
  { name: 'imm', code: 't = fetch(pc++);' },
  { name: 'zpR', code: 'ea = fetch(pc++);\nt = readRam(ea);' },
  { name: 'zpW', code: 'ea = fetch(pc++);' },
  { name: 'zpxR', code: lines(zeroPageIndexed('x'), 't = readRam(ea);') },
  { name: 'zpxW', code: zeroPageIndexed('x') },
  { name: 'zpyR', code: lines(zeroPageIndexed('y'), 't = readRam(ea);') },
  { name: 'zpyW', code: zeroPageIndexed('y') },
  {
    name: 'absR',
    code: `
      ea = fetch(pc++);
      hi = fetch(pc++);
      ea |= hi << 8;
      ${POLL_HOOK}
      t = read(ea);
    `,
  },
  { name: 'absW', code: 'ea = fetch(pc++);\nhi = fetch(pc++);\nea |= hi << 8;' },
  { name: 'absxR', code: lines(absoluteLowHigh, indexLowByte('x'), indexedRead) },
  { name: 'absyR', code: lines(absoluteLowHigh, indexLowByte('y'), indexedRead) },
  { name: 'absxW', code: lines(absoluteLowHigh, indexLowByte('x'), indexedTarget) },
  { name: 'absyW', code: lines(absoluteLowHigh, indexLowByte('y'), indexedTarget) },
  { name: 'izxR', code: lines(pointerX, 't = read(ea);') },
  { name: 'izxW', code: pointerX },
  { name: 'izyR', code: lines(pointerY, indexedRead) },
  { name: 'izyW', code: lines(pointerY, indexedTarget) },
  { name: 'none', code: '' },
];

// ---- pieces several operations share ----

/** The status register as pushed (bits 4 and 5 set). */
const PUSHED_STATUS = '0x30 | (nv & 0x80) | (v << 6) | (d << 3) | (i << 2) | (zv === 0 ? 2 : 0) | c';

/** The status register from a pulled byte in `t`. */
const pullStatus = `
  nv = t & 0x80;
  v = (t >> 6) & 1;
  d = (t >> 3) & 1;
  i = (t >> 2) & 1;
  zv = t & 2 ? 0 : 1;
  c = t & 1;
`;

/**
 * A branch on `condition` (the offset is in `t`): taken, it reads the next opcode byte, and reads
 * again when the target is on another page.
 */
const branch = (condition: string): string => `
  if (${condition}) {
    m = fetch(pc);
    ea = (pc + ((t ^ 0x80) - 0x80)) & 0xffff;
    if ((pc ^ ea) & 0xff00) {
      m = (pc & 0xff00) | (ea & 0xff);
      m = read(m);
    }
    pc = ea;
  }
`;

/** Read-modify-write at `ea`: read, write the value back unchanged, `modify` the value in `t`, write it. */
const readModifyWrite = (modify: string): string => `
  t = readRam(ea);
  write(ea, t);
  ${modify}
  write(ea, t);
`;

/** Binary addition of `t` and the carry to A, with the flags. */
const binaryAdd = `
  lo = a + t + c;
  v = ((~(a ^ t) & (a ^ lo)) >> 7) & 1;
  c = lo > 0xff ? 1 : 0;
  a = nv = zv = lo & 0xff;
`;

/** A decimal-mode result packed as result | carry << 8 | overflow << 9 (see adcDecimal) into A and the flags. */
const decimalResult = `
  a = nv = zv = lo & 0xff;
  c = (lo >> 8) & 1;
  v = lo >> 9;
`;

const adc = `
  if (d === 0) {
    ${binaryAdd}
  } else {
    lo = adcDecimal(a, t, c);
    ${decimalResult}
  }
`;

/** SBC is the addition of the complement in binary mode; decimal mode has its own arithmetic. */
const sbc = `
  if (d === 0) {
    t ^= 0xff;
    ${binaryAdd}
  } else {
    lo = sbcDecimal(a, t, c);
    ${decimalResult}
  }
`;

const compare = (register: string): string => `
  lo = ${register} - t;
  nv = lo & 0x80;
  zv = lo;
  c = lo >= 0 ? 1 : 0;
`;

/** The unstable stores (SHA, SHS, SHX, SHY) write `value` ANDed with the target's high byte plus one. */
const andHighPlusOne = (value: string): string => `(${value}) & (((ea >> 8) + 1) & 0xff)`;

/**
 * Every opcode but the 12 JAMs, grouped by operation. The generated operation switch keeps this
 * order (each group's lowest opcode); the JAMs take its default case.
 */
export const OPERATIONS: Operation[] = [
  {
    title: 'BRK',
    opcodes: 'imm 00',
    code: `
      write(0x100 | sp, pc >> 8);
      sp = (sp - 1) & 0xff;
      write(0x100 | sp, pc & 0xff);
      sp = (sp - 1) & 0xff;
      write(0x100 | sp, ${PUSHED_STATUS});
      sp = (sp - 1) & 0xff;
      i = 1;
      lo = readBus(0xfffe);
      hi = readBus(0xffff);
      pc = lo | (hi << 8);
    `,
  },
  { title: 'ORA', opcodes: 'izxR 01, zpR 05, imm 09, absR 0d, izyR 11, zpxR 15, absyR 19, absxR 1d', code: 'a = nv = zv = a | t;' },
  {
    title: 'SLO',
    opcodes: 'izxW 03, zpW 07, absW 0f, izyW 13, zpxW 17, absyW 1b, absxW 1f',
    code: lines(readModifyWrite('c = t >> 7; t = (t << 1) & 0xff;'), 'a = nv = zv = a | t;'),
  },
  {
    title: 'NOP (the operand reads still happen)',
    opcodes: [
      'zpR 04, absR 0c, zpxR 14, imp 1a, absxR 1c, zpxR 34, imp 3a, absxR 3c, zpR 44, zpxR 54, imp 5a, absxR 5c, zpR 64, zpxR 74',
      'imp 7a, absxR 7c, imm 80, imm 82, imm 89, imm c2, zpxR d4, imp da, absxR dc, imm e2, imp ea, zpxR f4, imp fa, absxR fc',
    ].join(', '),
    code: '',
  },
  {
    title: 'ASL (read, write back, write)',
    opcodes: 'zpW 06, absW 0e, zpxW 16, absxW 1e',
    code: readModifyWrite('c = t >> 7; t = nv = zv = (t << 1) & 0xff;'),
  },
  { title: 'PHP', opcodes: 'imp 08', code: `write(0x100 | sp, ${PUSHED_STATUS});\nsp = (sp - 1) & 0xff;` },
  { title: 'ASL A', opcodes: 'imp 0a', code: 'c = a >> 7; a = nv = zv = (a << 1) & 0xff;' },
  { title: 'ANC', opcodes: 'imm 0b, imm 2b', code: 'a = nv = zv = a & t;\nc = a >> 7;' },
  { title: 'BPL', opcodes: 'imm 10', code: branch('(nv & 0x80) === 0') },
  { title: 'CLC', opcodes: 'imp 18', code: 'c = 0;' },
  {
    title: 'JSR',
    opcodes: 'none 20',
    code: `
      lo = fetch(pc++);
      readRam(0x100 | sp);
      write(0x100 | sp, pc >> 8);
      sp = (sp - 1) & 0xff;
      write(0x100 | sp, pc & 0xff);
      sp = (sp - 1) & 0xff;
      hi = fetch(pc);
      pc = lo | (hi << 8);
    `,
  },
  { title: 'AND', opcodes: 'izxR 21, zpR 25, imm 29, absR 2d, izyR 31, zpxR 35, absyR 39, absxR 3d', code: 'a = nv = zv = a & t;' },
  {
    title: 'RLA',
    opcodes: 'izxW 23, zpW 27, absW 2f, izyW 33, zpxW 37, absyW 3b, absxW 3f',
    code: lines(readModifyWrite('lo = ((t << 1) | c) & 0xff; c = t >> 7; t = lo;'), 'a = nv = zv = a & t;'),
  },
  { title: 'BIT', opcodes: 'zpR 24, absR 2c', code: 'nv = t;\nv = (t >> 6) & 1;\nzv = a & t;' },
  {
    title: 'ROL (read, write back, write)',
    opcodes: 'zpW 26, absW 2e, zpxW 36, absxW 3e',
    code: readModifyWrite('lo = ((t << 1) | c) & 0xff; c = t >> 7; t = nv = zv = lo;'),
  },
  {
    title: 'PLP',
    opcodes: 'imp 28',
    code: lines(
      `
        readRam(0x100 | sp);
        sp = (sp + 1) & 0xff;
        t = readRam(0x100 | sp);
      `,
      pullStatus,
    ),
  },
  { title: 'ROL A', opcodes: 'imp 2a', code: 't = ((a << 1) | c) & 0xff; c = a >> 7; a = nv = zv = t;' },
  { title: 'BMI', opcodes: 'imm 30', code: branch('(nv & 0x80) !== 0') },
  { title: 'SEC', opcodes: 'imp 38', code: 'c = 1;' },
  {
    title: 'RTI',
    opcodes: 'imp 40',
    code: lines(
      `
        readRam(0x100 | sp);
        sp = (sp + 1) & 0xff;
        t = readRam(0x100 | sp);
      `,
      pullStatus,
      `
        sp = (sp + 1) & 0xff;
        lo = readRam(0x100 | sp);
        sp = (sp + 1) & 0xff;
        hi = readRam(0x100 | sp);
        pc = lo | (hi << 8);
      `,
    ),
  },
  { title: 'EOR', opcodes: 'izxR 41, zpR 45, imm 49, absR 4d, izyR 51, zpxR 55, absyR 59, absxR 5d', code: 'a = nv = zv = a ^ t;' },
  {
    title: 'SRE',
    opcodes: 'izxW 43, zpW 47, absW 4f, izyW 53, zpxW 57, absyW 5b, absxW 5f',
    code: lines(readModifyWrite('c = t & 1; t = t >> 1;'), 'a = nv = zv = a ^ t;'),
  },
  {
    title: 'LSR (read, write back, write)',
    opcodes: 'zpW 46, absW 4e, zpxW 56, absxW 5e',
    code: readModifyWrite('c = t & 1; t = nv = zv = t >> 1;'),
  },
  { title: 'PHA', opcodes: 'imp 48', code: 'write(0x100 | sp, a);\nsp = (sp - 1) & 0xff;' },
  { title: 'LSR A', opcodes: 'imp 4a', code: 'c = a & 1; a = nv = zv = a >> 1;' },
  { title: 'ALR', opcodes: 'imm 4b', code: 't &= a;\nc = t & 1;\na = nv = zv = t >> 1;' },
  { title: 'JMP abs', opcodes: 'absW 4c', code: 'pc = ea;' },
  { title: 'BVC', opcodes: 'imm 50', code: branch('v === 0') },
  { title: 'CLI', opcodes: 'imp 58', code: 'i = 0;' },
  {
    title: 'RTS',
    opcodes: 'imp 60',
    code: `
      readRam(0x100 | sp);
      sp = (sp + 1) & 0xff;
      t = readRam(0x100 | sp);
      sp = (sp + 1) & 0xff;
      hi = readRam(0x100 | sp);
      pc = t | (hi << 8);
      m = fetch(pc);
      pc = (pc + 1) & 0xffff;
    `,
  },
  { title: 'ADC', opcodes: 'izxR 61, zpR 65, imm 69, absR 6d, izyR 71, zpxR 75, absyR 79, absxR 7d', code: adc },
  {
    title: 'RRA',
    opcodes: 'izxW 63, zpW 67, absW 6f, izyW 73, zpxW 77, absyW 7b, absxW 7f',
    code: lines(readModifyWrite('lo = (t >> 1) | (c << 7); c = t & 1; t = lo;'), adc),
  },
  {
    title: 'ROR (read, write back, write)',
    opcodes: 'zpW 66, absW 6e, zpxW 76, absxW 7e',
    code: readModifyWrite('lo = (t >> 1) | (c << 7); c = t & 1; t = nv = zv = lo;'),
  },
  { title: 'PLA', opcodes: 'imp 68', code: 'readRam(0x100 | sp);\nsp = (sp + 1) & 0xff;\nt = readRam(0x100 | sp);\na = nv = zv = t;' },
  { title: 'ROR A', opcodes: 'imp 6a', code: 't = (a >> 1) | (c << 7); c = a & 1; a = nv = zv = t;' },
  {
    title: 'ARR',
    opcodes: 'imm 6b',
    code: `
      lo = arr(a, t, c, d);
      a = lo & 0xff;
      c = (lo >> 8) & 1;
      v = (lo >> 9) & 1;
      nv = (lo >> 10) & 0xff;
      zv = lo >>> 18;
    `,
  },
  {
    title: 'JMP (ind): the NMOS bug reads the high byte from the start of the same page',
    opcodes: 'absW 6c',
    code: `
      lo = read(ea);
      m = (ea & 0xff) === 0xff ? ea & 0xff00 : ea + 1;
      hi = read(m);
      pc = lo | (hi << 8);
    `,
  },
  { title: 'BVS', opcodes: 'imm 70', code: branch('v !== 0') },
  { title: 'SEI', opcodes: 'imp 78', code: 'i = 1;' },
  { title: 'STA', opcodes: 'izxW 81, zpW 85, absW 8d, izyW 91, zpxW 95, absyW 99, absxW 9d', code: 'write(ea, a);' },
  { title: 'SAX', opcodes: 'izxW 83, zpW 87, absW 8f, zpyW 97', code: 'write(ea, a & x);' },
  { title: 'STY', opcodes: 'zpW 84, absW 8c, zpxW 94', code: 'write(ea, y);' },
  { title: 'STX', opcodes: 'zpW 86, absW 8e, zpyW 96', code: 'write(ea, x);' },
  { title: 'DEY', opcodes: 'imp 88', code: 'y = nv = zv = (y - 1) & 0xff;' },
  { title: 'TXA', opcodes: 'imp 8a', code: 'a = nv = zv = x;' },
  { title: 'ANE (unstable: constant 0xEE)', opcodes: 'imm 8b', code: 'a = nv = zv = (a | 0xee) & x & t;' },
  { title: 'BCC', opcodes: 'imm 90', code: branch('c === 0') },
  { title: 'SHA', opcodes: 'izyW 93, absyW 9f', code: `write(ea, ${andHighPlusOne('a & x')});` },
  { title: 'TYA', opcodes: 'imp 98', code: 'a = nv = zv = y;' },
  { title: 'TXS', opcodes: 'imp 9a', code: 'sp = x;' },
  { title: 'SHS', opcodes: 'absyW 9b', code: `sp = a & x;\nwrite(ea, ${andHighPlusOne('a & x')});` },
  { title: 'SHY', opcodes: 'absxW 9c', code: `write(ea, ${andHighPlusOne('y')});` },
  { title: 'SHX', opcodes: 'absyW 9e', code: `write(ea, ${andHighPlusOne('x')});` },
  { title: 'LDY', opcodes: 'imm a0, zpR a4, absR ac, zpxR b4, absxR bc', code: 'y = nv = zv = t;' },
  { title: 'LDA', opcodes: 'izxR a1, zpR a5, imm a9, absR ad, izyR b1, zpxR b5, absyR b9, absxR bd', code: 'a = nv = zv = t;' },
  { title: 'LDX', opcodes: 'imm a2, zpR a6, absR ae, zpyR b6, absyR be', code: 'x = nv = zv = t;' },
  { title: 'LAX', opcodes: 'izxR a3, zpR a7, absR af, izyR b3, zpyR b7, absyR bf', code: 'a = x = nv = zv = t;' },
  { title: 'TAY', opcodes: 'imp a8', code: 'y = nv = zv = a;' },
  { title: 'TAX', opcodes: 'imp aa', code: 'x = nv = zv = a;' },
  { title: 'LXA (unstable: constant 0xEE)', opcodes: 'imm ab', code: 'a = x = nv = zv = (a | 0xee) & t;' },
  { title: 'BCS', opcodes: 'imm b0', code: branch('c !== 0') },
  { title: 'CLV', opcodes: 'imp b8', code: 'v = 0;' },
  { title: 'TSX', opcodes: 'imp ba', code: 'x = nv = zv = sp;' },
  { title: 'LAS', opcodes: 'absyR bb', code: 'a = x = sp = nv = zv = sp & t;' },
  { title: 'CPY', opcodes: 'imm c0, zpR c4, absR cc', code: compare('y') },
  { title: 'CMP', opcodes: 'izxR c1, zpR c5, imm c9, absR cd, izyR d1, zpxR d5, absyR d9, absxR dd', code: compare('a') },
  {
    title: 'DCP',
    opcodes: 'izxW c3, zpW c7, absW cf, izyW d3, zpxW d7, absyW db, absxW df',
    code: lines(readModifyWrite('t = (t - 1) & 0xff;'), compare('a')),
  },
  {
    title: 'DEC (read, write back, write)',
    opcodes: 'zpW c6, absW ce, zpxW d6, absxW de',
    code: readModifyWrite('t = nv = zv = (t - 1) & 0xff;'),
  },
  { title: 'INY', opcodes: 'imp c8', code: 'y = nv = zv = (y + 1) & 0xff;' },
  { title: 'DEX', opcodes: 'imp ca', code: 'x = nv = zv = (x - 1) & 0xff;' },
  { title: 'SBX', opcodes: 'imm cb', code: 'lo = (a & x) - t;\nx = nv = zv = lo & 0xff;\nc = lo >= 0 ? 1 : 0;' },
  { title: 'BNE', opcodes: 'imm d0', code: branch('zv !== 0') },
  { title: 'CLD', opcodes: 'imp d8', code: 'd = 0;' },
  { title: 'CPX', opcodes: 'imm e0, zpR e4, absR ec', code: compare('x') },
  { title: 'SBC', opcodes: 'izxR e1, zpR e5, imm e9, imm eb, absR ed, izyR f1, zpxR f5, absyR f9, absxR fd', code: sbc },
  {
    title: 'ISB',
    opcodes: 'izxW e3, zpW e7, absW ef, izyW f3, zpxW f7, absyW fb, absxW ff',
    code: lines(readModifyWrite('t = (t + 1) & 0xff;'), sbc),
  },
  {
    title: 'INC (read, write back, write)',
    opcodes: 'zpW e6, absW ee, zpxW f6, absxW fe',
    code: readModifyWrite('t = nv = zv = (t + 1) & 0xff;'),
  },
  { title: 'INX', opcodes: 'imp e8', code: 'x = nv = zv = (x + 1) & 0xff;' },
  { title: 'BEQ', opcodes: 'imm f0', code: branch('zv === 0') },
  { title: 'SED', opcodes: 'imp f8', code: 'd = 1;' },
];

/**
 * The loads that may be the load of a timer wait loop (`LDA/LDX/LDY abs; BNE` back to it, see
 * `setPollSkipper`): in the absolute mode, after the address is known, they check the address
 * against the polled registers (the `@pollSkip` line of absR). They must be in `FREQUENT_OPCODES`,
 * since the shared absR case of the mode dispatch has no such check.
 */
export const POLLING_LOADS: readonly number[] = [0xad, 0xae, 0xac];

/**
 * The most frequent opcodes of the supported games, most frequent first (STA zp alone is a fifth
 * of Kung-Fu Master's instructions): each has a case of its own, with its mode's code, in the
 * interpreter's first dispatch. The others take two dispatches (mode, then operation). Keep the
 * list short enough for `run` to stay under V8's limit for optimized functions (DESIGN.md).
 */
export const FREQUENT_OPCODES: readonly number[] = [
  0x85, 0xd0, 0xb1, 0xac, 0xb0, 0xae, 0xa9, 0x10, 0x86, 0xa5, 0xca, 0x88, 0xf0, 0xc8, 0xaa, 0xa4, 0xea, 0xb9, 0xe0, 0xc4, 0x0a, 0xc6, 0x9a,
  0xba, 0xe9, 0x84, 0x8a, 0xa8, 0xc0, 0x90, 0xa2, 0x38, 0xe5, 0x25, 0xa0, 0x4a, 0x08, 0xe8, 0x29, 0x30, 0xad, 0xa6, 0xe6, 0xbd, 0xb5, 0x98,
  0xc9, 0x68,
];
