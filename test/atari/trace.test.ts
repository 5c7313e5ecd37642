/**
 * Replays every ALE reference trace in ../shared/reference/ale/ and compares every field of every
 * line, plus the screen/RGB/grey dumps. On a mismatch it reports the first divergence (step, field,
 * expected, actual; differing RAM bytes) and, for a screen, writes PNGs (ours, ALE's when dumped,
 * and a diff) to a temporary folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRom } from '../../lib/atari/roms';
import { traceEnvironment, traceHeader, traceLines, type TraceLine } from '../../lib/atari/trace';
import { screenToRgb } from '../../lib/atari/palette';
import { encodePng } from '../../lib/atari/png';
import type { AleInterface } from '../../lib/atari/ale';
import { needShared } from '../helpers';
import { sharedPath } from '../../lib/util/paths';

const refDir = sharedPath('reference', 'ale');
const cases = refDir
  ? readdirSync(refDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -6))
      .sort()
  : [];

function ramDiff(expected: string, actual: string): string {
  const idx: string[] = [];
  for (let i = 0; i < 128; i++) {
    const e = expected.slice(2 * i, 2 * i + 2);
    const a = actual.slice(2 * i, 2 * i + 2);
    if (e !== a) idx.push(`${i} (0x${(0x80 + i).toString(16)}): expected ${e} got ${a}`);
  }
  return idx.join('; ');
}

/** Writes our screen, ALE's (when a dump exists) and a diff mask as PNGs; returns the folder. */
function writeScreenPngs(caseName: string, step: number, ours: Uint8Array, expected: Uint8Array | null): string {
  const dir = mkdtempSync(join(tmpdir(), `ale-trace-${caseName}-step${step}-`));
  const h = ours.length / 160;
  writeFileSync(join(dir, 'ours.png'), encodePng({ width: 160, height: h, data: screenToRgb(ours) }));
  if (expected) {
    writeFileSync(join(dir, 'ale.png'), encodePng({ width: 160, height: h, data: screenToRgb(expected) }));
    const diff = new Uint8Array(ours.length * 3);
    for (let i = 0; i < ours.length; i++) if (ours[i] !== expected[i]) diff.set([255, 0, 255], i * 3);
    writeFileSync(join(dir, 'diff.png'), encodePng({ width: 160, height: h, data: diff }));
  }
  return dir;
}

for (const caseName of cases) {
  test(`ALE reference trace ${caseName}: every line, every field`, (t) => {
    const path = needShared(t, 'reference', 'ale', `${caseName}.jsonl`);
    if (!path || !refDir) return;
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0];
    const romPath = needShared(t, 'roms', `${header.game}.bin`);
    if (!romPath) return;
    const rom = loadRom(romPath);
    assert.equal(rom.md5, header.rom_md5, 'the ROM in ../shared/roms is the one the trace was recorded with');
    const ale = traceEnvironment(rom);

    const ours = traceHeader(ale, caseName, header.actions_source);
    for (const key of [
      'game',
      'rom_md5',
      'rom_md5_expected_by_ale',
      'minimal_action_set',
      'legal_action_set',
      'state_after_loadROM_before_reset_game',
    ]) {
      assert.deepEqual(ours[key], header[key], `header field '${key}'`);
    }

    const expectedLines = lines.slice(1);
    const actions = expectedLines.filter((l) => !l.reset && l.step !== 0).map((l) => l.action as number);
    const dumps = new Map<number, TraceLine>();
    let checkedDumps = 0;
    const dumpCheck = (line: TraceLine, env: AleInterface): void => {
      if ('reset' in line) return;
      const base = join(refDir, `${caseName}.screen.${line.step}.bin`);
      if (!existsSync(base)) return;
      dumps.set(line.step, line);
      const screen = readFileSync(base);
      const ourScreen = env.getScreen();
      if (!Buffer.from(ourScreen).equals(screen)) {
        const dir = writeScreenPngs(caseName, line.step, ourScreen, screen);
        assert.fail(`screen dump ${line.step} differs; PNGs (ours, ale, diff) in ${dir}`);
      }
      assert.ok(
        Buffer.from(env.getScreenRGB()).equals(readFileSync(join(refDir, `${caseName}.rgb.${line.step}.bin`))),
        `rgb dump ${line.step}`,
      );
      assert.ok(
        Buffer.from(env.getScreenGrayscale()).equals(readFileSync(join(refDir, `${caseName}.gray.${line.step}.bin`))),
        `gray dump ${line.step}`,
      );
      checkedDumps++;
    };

    let i = 0;
    for (const line of traceLines(ale, actions, dumpCheck)) {
      const expected = expectedLines[i];
      assert.ok(expected, `we produced more lines than the reference (extra line ${JSON.stringify(line).slice(0, 80)})`);
      const actual = line as unknown as Record<string, unknown>;
      const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
      for (const key of keys) {
        if (JSON.stringify(actual[key]) === JSON.stringify(expected[key])) continue;
        const where = `${caseName} line ${i + 2} (step ${expected.step}${expected.reset ? ', reset' : ''}), field '${key}'`;
        if (key === 'ram') assert.fail(`${where}: RAM bytes differ: ${ramDiff(String(expected.ram), String(actual.ram))}`);
        if (key === 'screen_sha1') {
          const dir = writeScreenPngs(caseName, Number(expected.step), ale.getScreen(), null);
          assert.fail(
            `${where}: screen differs (sha1 expected ${expected.screen_sha1}, got ${actual.screen_sha1}); our screen: ${dir}/ours.png (ALE dumps exist only for some steps)`,
          );
        }
        assert.fail(`${where}: expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(actual[key])}`);
      }
      i++;
    }
    assert.equal(i, expectedLines.length, 'number of lines');
    assert.ok(checkedDumps > 0, 'at least one screen dump was compared');
  });
}

test('reference traces are present', (t) => {
  if (!needShared(t, 'reference', 'ale', 'README.md')) return;
  assert.ok(cases.length >= 4, `expected the reference traces, found ${cases.join(', ')}`);
});
