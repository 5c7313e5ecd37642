import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { loadRom } from '../../atari/roms';
import { traceEnvironment, traceHeader, traceLines } from '../../atari/trace';

const usage = `Usage: gradient-dojo ale-trace --rom PATH --actions FILE --out FILE [--game NAME]

Plays a list of ALE actions (frame skip 1, no sticky actions, ALE's reference settings) and writes
a JSON Lines trace in the format of ../shared/reference/ale/*.jsonl: a header, the state after
reset as step 0, one line per frame, and a reset line after each game over.

  --rom PATH       ROM file (.bin) or game name (kung_fu_master, kangaroo, breakout, pong)
  --actions FILE   the actions: a JSON array of integers 0..17, or integers separated by
                   whitespace/commas/newlines
  --out FILE       where to write the trace (.jsonl)
  --game NAME      run the ROM as this game when its md5 is not a known release`;

/** Parses an actions file: a JSON array or a whitespace/comma-separated list of integers 0..17. */
export function parseActions(text: string, where: string): number[] {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed);
    } catch (e) {
      throw new UsageError(`${where}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    values = trimmed.length ? trimmed.split(/[\s,]+/).map((s) => (/^-?\d+$/.test(s) ? Number(s) : s)) : [];
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 17) {
      throw new UsageError(`${where}: action #${i + 1} is ${JSON.stringify(v)}; actions must be integers 0..17 (ALE player A actions)`);
    }
  });
  return values as number[];
}

export const command: CliCommand = {
  summary: 'write an ALE-format trace (RAM, screen hash, rewards) of a ROM played with given actions',
  usage,
  async run(argv) {
    const { flags } = parseFlags(argv, [
      { name: 'rom', type: 'string', required: true },
      { name: 'actions', type: 'string', required: true },
      { name: 'out', type: 'string', required: true },
      { name: 'game', type: 'string' },
    ]);
    const actionsPath = String(flags.actions);
    let text: string;
    try {
      text = readFileSync(actionsPath, 'utf8');
    } catch {
      throw new UsageError(`cannot read the actions file '${actionsPath}'`);
    }
    const actions = parseActions(text, actionsPath);
    const rom = loadRom(String(flags.rom), { game: flags.game === undefined ? undefined : String(flags.game) });
    const ale = traceEnvironment(rom);
    const out = String(flags.out);
    const fd = openSync(out, 'w');
    try {
      const caseName = basename(out).replace(/\.jsonl$/, '');
      writeSync(fd, `${JSON.stringify(traceHeader(ale, caseName, { policy: 'file', file: actionsPath, frames: actions.length }))}\n`);
      let overs = 0;
      for (const line of traceLines(ale, actions)) {
        if ('reset' in line) overs++;
        writeSync(fd, `${JSON.stringify(line)}\n`);
      }
      console.log(`wrote ${out}: ${actions.length} frames of ${rom.game.id} (md5 ${rom.md5}), ${overs} game over(s)`);
    } finally {
      closeSync(fd);
    }
    return 0;
  },
};
