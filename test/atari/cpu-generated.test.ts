// The 6502 interpreter in lib/atari/cpu.ts is generated from lib/atari/cpu-templates.ts by scripts/generate-cpu.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CPU_FILE, cpuIsStale, generateCpuFile, opcodeMap } from '../../scripts/generate-cpu';
import { JAM_OPCODES } from '../../lib/atari/cpu';
import { FREQUENT_OPCODES } from '../../lib/atari/cpu-templates';

test('lib/atari/cpu.ts is up to date with its templates (else run: node --import tsx scripts/generate-cpu.ts)', () => {
  assert.equal(cpuIsStale(), false);
});

test('the templates define every opcode but the 12 JAMs, each once', () => {
  const defined = [...opcodeMap().keys()];
  const undefinedOps = Array.from({ length: 256 }, (_, op) => op).filter((op) => !defined.includes(op));
  assert.deepEqual(
    undefinedOps,
    [...JAM_OPCODES].sort((p, q) => p - q),
  );
  assert.equal(defined.length, 244);
});

test('a hand edit inside a generated region is undone by the generator; one outside is kept', () => {
  const text = readFileSync(CPU_FILE, 'utf8');
  const editedInside = text.replace('a = nv = zv = a | t;', 'a = nv = zv = a & t;');
  assert.notEqual(editedInside, text);
  assert.equal(generateCpuFile(editedInside), text);
  const editedOutside = text.replace('/** Bytes used by `saveState()`. */', '/** The bytes used by `saveState()`. */');
  assert.notEqual(editedOutside, text);
  assert.equal(generateCpuFile(editedOutside), editedOutside);
  assert.throws(() => generateCpuFile(text.replace('// @end-generated run\n', '')), /lacks the generated region "run"/);
});

test('each frequent opcode has a case of its own in the first dispatch', () => {
  const text = readFileSync(CPU_FILE, 'utf8');
  const first = text.slice(text.indexOf('switch (opcode) {'), text.indexOf('switch (MODE[opcode]) {'));
  const cases = [...first.matchAll(/case (0x[0-9a-f]{2}):/g)].map((m) => Number(m[1]));
  assert.deepEqual(cases, [...FREQUENT_OPCODES]);
});
