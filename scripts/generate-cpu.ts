/**
 * Writes the 6502 interpreter, `Cpu6502.run`, and its `MODE` table into lib/atari/cpu.ts from the
 * per-mode and per-operation templates in lib/atari/cpu-templates.ts. Only the regions between
 * `// @generated <name>` and `// @end-generated <name>` are written; the rest of cpu.ts is edited by hand.
 *
 * The layout, for speed (lib/atari/DESIGN.md, "CPU"): the frequent opcodes (`FREQUENT_OPCODES`) each
 * get a case with their mode's code and their operation's code in a first switch; the others go
 * through a switch on the mode (`MODE[opcode]`), then a switch on the opcode with one case per
 * operation. Every bus access of a template is written out in place, so `run` has no calls on its
 * hot paths but the bus's. Keep `run` under V8's ~60 KB bytecode limit for optimized functions.
 *
 * Usage: node --import tsx scripts/generate-cpu.ts [--check]
 *   --check  writes nothing; exits 1 when cpu.ts differs from what the templates generate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FREQUENT_OPCODES, MODES, OPERATIONS, POLL_HOOK, POLLING_LOADS, type Operation } from '../lib/atari/cpu-templates';

export const CPU_FILE = join(__dirname, '..', 'lib', 'atari', 'cpu.ts');
const SOURCE = 'scripts/generate-cpu.ts from lib/atari/cpu-templates.ts';

// ---- bus accesses ----

/** An address as an operand of `&`: parenthesized unless it is a name or a number. */
function operand(address: string): string {
  return /^(\w+|0x[0-9a-f]+)$/.test(address) ? address : `(${address})`;
}

/** "advance the clock, access, note the kind": the value is read into `dst` ('' for a dummy read). */
function readAccess(kind: string, dst: string, address: string): string {
  const to = dst ? `${dst} = ` : '';
  const a = operand(address);
  const inRom = `(${a} & 0x1000) !== 0 && (${a} & 0xfff) < directLimit`;
  const fromRom = `${to}this.dataBus = directMemory[this.directOffset + (${a} & directMask)];`;
  const fromBus = onBus(`${to}bus.read(${address});`);
  const fromRamOrBus = `if ((${a} & ramMask) === ramMatch) { ${to}this.dataBus = ram[${a} & ramIndex]; } else { ${fromBus} }`;
  let access: string;
  if (kind === 'fetch') access = `if (${inRom}) { ${fromRom} } else { ${fromBus} }`;
  else if (kind === 'readRam') access = fromRamOrBus;
  else if (kind === 'read') access = `if (${inRom}) { ${fromRom} } else { ${fromRamOrBus} }`;
  else access = fromBus;
  return `cycles++; ${access} this.lastAccessWasRead = true;`;
}

function writeAccess(address: string, value: string): string {
  const a = operand(address);
  return (
    `cycles++; if ((${a} & ramMask) === ramMatch) { ram[${a} & ramIndex] = this.dataBus = ${value}; } ` +
    `else { ${onBus(`bus.write(${address}, ${value});`)} } this.lastAccessWasRead = false;`
  );
}

/**
 * A call that may look at or change the clock (the bus: the TIA reads it and a WSYNC write advances
 * it): the clock, kept in the local `cycles` while `run` runs, is stored before it and reloaded after.
 */
function onBus(call: string): string {
  return `this.cycles = cycles; ${call} cycles = this.cycles;`;
}

/** The check for a timer wait loop (`setPollSkipper`), where a polling load's template has `@pollSkip`. */
const POLL_SKIP = `if ((ea & pollMask) === pollMatch) { ${onBus('n += 2 * this.skipPolls(pc, ea, maxInstructions - n);')} }`;

const READ = /^(?:(\w+) = )?(fetch|readRam|readBus|read)\((.+)\);$/;
const WRITE = /^write\((.+)\);$/;

/** Splits "a, b" at its first comma outside parentheses. */
function splitArguments(text: string): [string, string] {
  let depth = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) return [text.slice(0, k).trim(), text.slice(k + 1).trim()];
  }
  throw new Error(`write(address, value) needs two arguments: write(${text})`);
}

/** One template line as generated code: a bus access written out, or the line itself. */
function expandLine(line: string, pollSkip: boolean): string | null {
  if (line === POLL_HOOK) return pollSkip ? POLL_SKIP : null;
  const r = READ.exec(line);
  if (r) {
    const [, dst = '', kind, arg] = r;
    if (arg === 'pc++') {
      if (kind !== 'fetch') throw new Error(`only fetch takes pc++: ${line}`);
      return `${readAccess(kind, dst, 'pc')} pc = (pc + 1) & 0xffff;`;
    }
    return readAccess(kind, dst, arg);
  }
  const w = WRITE.exec(line);
  if (w) return writeAccess(...splitArguments(w[1]));
  if (/\b(fetch|read|readRam|readBus|write)\(/.test(line)) throw new Error(`a bus access must be a line of its own: ${line}`);
  return line;
}

/**
 * Template code as the lines of a case body at `indent`: comments dropped, each access written out,
 * lines re-indented by their braces (so templates can be indented freely and pieces concatenated).
 */
function expand(code: string, indent: string, pollSkip = false): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s*\/\/.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('}')) depth--;
    const text = expandLine(line, pollSkip);
    if (text !== null) out.push(indent + '  '.repeat(depth) + text);
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    depth += opens - closes + (line.startsWith('}') ? 1 : 0);
  }
  if (depth !== 0) throw new Error(`unbalanced braces in template:\n${code}`);
  return out;
}

// ---- the opcode map ----

interface OpcodeEntry {
  operation: Operation;
  mode: number;
}

const hex = (opcode: number): string => `0x${opcode.toString(16).padStart(2, '0')}`;

/** Every defined opcode with its operation and mode; checks the templates are consistent. */
export function opcodeMap(): Map<number, OpcodeEntry> {
  const map = new Map<number, OpcodeEntry>();
  for (const operation of OPERATIONS) {
    for (const pair of operation.opcodes.split(',')) {
      const [modeName, code] = pair.trim().split(/\s+/);
      const mode = MODES.findIndex((m) => m.name === modeName);
      const opcode = parseInt(code, 16);
      if (mode < 0) throw new Error(`${operation.title}: unknown mode "${modeName}"`);
      if (!/^[0-9a-f]{2}$/.test(code)) throw new Error(`${operation.title}: bad opcode "${code}"`);
      if (map.has(opcode)) throw new Error(`opcode ${hex(opcode)} is both ${map.get(opcode)!.operation.title} and ${operation.title}`);
      map.set(opcode, { operation, mode });
    }
  }
  if (new Set(FREQUENT_OPCODES).size !== FREQUENT_OPCODES.length) throw new Error('FREQUENT_OPCODES lists an opcode twice');
  for (const opcode of FREQUENT_OPCODES) if (!map.has(opcode)) throw new Error(`frequent opcode ${hex(opcode)} has no operation`);
  for (const opcode of POLLING_LOADS) {
    if (!FREQUENT_OPCODES.includes(opcode)) throw new Error(`polling load ${hex(opcode)} must be a frequent opcode`);
    if (MODES[map.get(opcode)!.mode].name !== 'absR') throw new Error(`polling load ${hex(opcode)} must use absR`);
  }
  return map;
}

// ---- the generated regions ----

/** `items` joined with commas into lines of at most `width` characters, the last ending with a period. */
function wrap(items: string[], width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + item.length + 2 > width) {
      lines.push(`${line},`);
      line = '';
    }
    line = line ? `${line}, ${item}` : item;
  }
  return [...lines, `${line}.`];
}

function modeTable(map: Map<number, OpcodeEntry>): string[] {
  const none = MODES.findIndex((m) => m.name === 'none');
  const rows: string[] = [];
  for (let row = 0; row < 16; row++) {
    rows.push(`  ${Array.from({ length: 16 }, (_, col) => map.get(row * 16 + col)?.mode ?? none).join(', ')},`);
  }
  return [
    '// biome-ignore format: generated, one row per 16 opcodes',
    '/**',
    ' * Addressing mode of every opcode, for the mode dispatch of `run`:',
    ...wrap(MODES.map((m, k) => `${k} ${m.name}`)).map((line) => ` * ${line}`),
    ' * Read modes leave the operand in `t`; write and read-modify-write modes leave the target in `ea`.',
    ' */',
    'const MODE = new Uint8Array([',
    ...rows,
    ']);',
  ];
}

function runMethod(map: Map<number, OpcodeEntry>): string[] {
  const body = '          ';
  const frequent: string[] = [];
  for (const opcode of FREQUENT_OPCODES) {
    const { operation, mode } = map.get(opcode)!;
    frequent.push(`        case ${hex(opcode)}: // ${operation.title} (${MODES[mode].name})`);
    frequent.push(...expand(MODES[mode].code, body, POLLING_LOADS.includes(opcode)));
    frequent.push(...expand(operation.code, body));
    frequent.push(`${body}continue;`);
  }
  const modes: string[] = [];
  MODES.forEach((mode, k) => {
    if (!mode.code.trim()) return;
    modes.push(`        case ${k}: // ${mode.name}`, ...expand(mode.code, body), `${body}break;`);
  });
  const operations: string[] = [];
  for (const operation of OPERATIONS) {
    const opcodes = [...map].filter(([op, e]) => e.operation === operation && !FREQUENT_OPCODES.includes(op)).map(([op]) => op);
    if (opcodes.length === 0) continue;
    opcodes.sort((p, q) => p - q);
    operations.push(`        ${opcodes.map((op) => `case ${hex(op)}:`).join(' ')} // ${operation.title}`);
    operations.push(...expand(operation.code, body), `${body}break;`);
  }
  return [
    '  // biome-ignore format: generated, one line per bus access',
    '  /**',
    '   * The interpreter. Registers and flags live in locals while it runs (bus accesses only see the',
    '   * clock, `lastAccessWasRead` and stop requests); every access is written out in place as',
    '   * "advance the clock, access, note the kind", so each opcode shows its exact access sequence.',
    '   */',
    '  private run(maxInstructions: number): number {',
    '    const bus = this.bus;',
    ...['a', 'x', 'y', 'sp', 'pc', 'nv', 'zv', 'c', 'v', 'd', 'i'].map((r) => `    let ${r} = this.${r};`),
    '    const directMemory = this.directMemory;',
    '    const directMask = this.directMask;',
    '    const directLimit = this.directLimit;',
    '    const pollMask = this.pollMask;',
    '    const pollMatch = this.pollMatch;',
    '    const ram = this.directRam;',
    '    const ramMask = this.ramMask;',
    '    const ramMatch = this.ramMatch;',
    '    const ramIndex = this.ramIndex;',
    ...['t', 'm', 'ea', 'lo', 'hi', 'n'].map((s) => `    let ${s} = 0;`),
    '    // The clock lives in a local too (a field incremented at every access would chain each access',
    '    // to the previous one through memory); it is written back around every call that may use it.',
    '    let cycles = this.cycles;',
    '    if (this.halted) return 0;',
    '    instructions: while (n < maxInstructions && !this.stopRequested) {',
    '      n++;',
    '      cycles++;',
    '      let opcode: number;',
    '      if ((pc & 0x1000) !== 0 && (pc & 0xfff) < directLimit) {',
    '        opcode = this.dataBus = directMemory[this.directOffset + (pc & directMask)];',
    '      } else {',
    `        ${onBus('opcode = bus.read(pc);')}`,
    '      }',
    '      this.lastAccessWasRead = true;',
    '      pc = (pc + 1) & 0xffff;',
    '      this.lastOpcode = opcode;',
    '      // The most frequent opcodes (in the supported games) in a single dispatch, each with its',
    '      // addressing code; the others take the two dispatches below (addressing mode, operation).',
    '      switch (opcode) {',
    ...frequent,
    '      }',
    '      switch (MODE[opcode]) {',
    ...modes,
    '      }',
    '      switch (opcode) {',
    ...operations,
    '        default: // JAM: the opcode fetch happened; the CPU now stays halted until reset.',
    '          this.halted = true;',
    '          break instructions;',
    '      }',
    '    }',
    ...['a', 'x', 'y', 'sp', 'pc', 'nv', 'zv', 'c', 'v', 'd', 'i'].map((r) => `    this.${r} = ${r};`),
    '    this.cycles = cycles;',
    '    return n;',
    '  }',
  ];
}

/** `text` (cpu.ts) with every generated region written anew. */
export function generateCpuFile(text: string): string {
  const map = opcodeMap();
  const regions: Record<string, string[]> = { MODE: modeTable(map), run: runMethod(map) };
  const done = new Set<string>();
  const out = text.replace(
    /^( *)\/\/ @generated (\w+)\b.*\n[\s\S]*?^ *\/\/ @end-generated \2\n/gm,
    (_whole, indent: string, name: string) => {
      if (!regions[name]) throw new Error(`cpu.ts has an unknown generated region "${name}"`);
      done.add(name);
      return [
        `${indent}// @generated ${name}: written by ${SOURCE}; edit those and rerun it`,
        ...regions[name],
        `${indent}// @end-generated ${name}`,
        '',
      ].join('\n');
    },
  );
  for (const name of Object.keys(regions)) if (!done.has(name)) throw new Error(`cpu.ts lacks the generated region "${name}"`);
  return out;
}

/** True when cpu.ts differs from what the templates generate. */
export function cpuIsStale(file = CPU_FILE): boolean {
  const text = readFileSync(file, 'utf8');
  return generateCpuFile(text) !== text;
}

function main(): void {
  const text = readFileSync(CPU_FILE, 'utf8');
  const generated = generateCpuFile(text);
  if (process.argv.includes('--check')) {
    if (generated !== text) {
      console.error('lib/atari/cpu.ts is stale: it differs from what lib/atari/cpu-templates.ts generates.');
      console.error('Run: node --import tsx scripts/generate-cpu.ts');
      process.exit(1);
    }
    console.log('lib/atari/cpu.ts is up to date with lib/atari/cpu-templates.ts.');
    return;
  }
  if (generated === text) {
    console.log('lib/atari/cpu.ts is already up to date.');
    return;
  }
  writeFileSync(CPU_FILE, generated);
  console.log('Wrote the generated code of lib/atari/cpu.ts.');
}

if (require.main === module) main();
