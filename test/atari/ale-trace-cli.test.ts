import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command, parseActions } from '../../lib/cli/commands/ale-trace';
import { needShared } from '../helpers';

test('ale-trace parses action files and rejects bad ones clearly', () => {
  assert.deepEqual(parseActions('[0, 3, 17]', 'f'), [0, 3, 17]);
  assert.deepEqual(parseActions('1\n2, 3  4\n', 'f'), [1, 2, 3, 4]);
  assert.throws(() => parseActions('1 18', 'f'), /action #2 is 18/);
  assert.throws(() => parseActions('[1, "a"]', 'f'), /action #2/);
});

test('ale-trace writes the reference format and reproduces the first frames of a reference trace', async (t) => {
  const ref = needShared(t, 'reference', 'ale', 'kung_fu_master_seed1_6000.jsonl');
  const rom = needShared(t, 'roms', 'kung_fu_master.bin');
  if (!ref || !rom) return;
  const refLines = readFileSync(ref, 'utf8')
    .split('\n')
    .slice(0, 52)
    .map((l) => JSON.parse(l));
  const actions = refLines.slice(2).map((l) => l.action);
  const dir = mkdtempSync(join(tmpdir(), 'ale-trace-'));
  writeFileSync(join(dir, 'actions.json'), JSON.stringify(actions));
  const out = join(dir, 'trace.jsonl');
  const log = console.log;
  console.log = () => {};
  try {
    assert.equal(await command.run(['--rom', rom, '--actions', join(dir, 'actions.json'), '--out', out]), 0);
  } finally {
    console.log = log;
  }
  const ours = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(ours[0]), Object.keys(refLines[0]));
  assert.deepEqual(Object.keys(ours[0].settings).sort(), [...Object.keys(refLines[0].settings), 'emulator'].sort());
  assert.equal(ours.length, refLines.length);
  for (let i = 1; i < ours.length; i++) assert.equal(JSON.stringify(ours[i]), JSON.stringify(refLines[i]), `line ${i + 1}`);
});
