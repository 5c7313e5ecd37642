import { readFileSync } from 'node:fs';
import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { parseEpisodes, replayEpisode } from '../../envs/cartpole-replay';

const usage = `Usage: gradient-dojo replay FILE [--trig numpy-svml|math]

Replays every episode of a recorded CartPole file (the format of
../shared/reference/cartpole/cartpole_reference.json: env_id, initial_state, and for each step the
action a, observation obs, reward r, terminated, truncated) in our CartPole, and prints one line per
episode: "match", or the first step and field that differ with the expected and actual values.
Exits 0 only when every episode matches.

  --trig   the sine/cosine CartPole uses: numpy-svml (default; numpy 1.24 on AVX-512, the numerics
           of the Gymnasium reference recording) or math (Math.sin/Math.cos, as glibc).`;

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

export const command: CliCommand = {
  summary: 'Replay recorded CartPole episodes and report the first mismatch of each',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, [{ name: 'trig', type: 'string', default: 'numpy-svml' }]);
    const trig = flags.trig as string;
    if (trig !== 'numpy-svml' && trig !== 'math') throw new UsageError(`--trig must be numpy-svml or math, got '${trig}'`);
    if (positional.length !== 1)
      throw new UsageError(positional.length === 0 ? 'give the episode file to replay' : `give one file, got ${positional.length}`);
    const file = positional[0];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      console.error(`gradient-dojo replay: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 2;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      console.error(`gradient-dojo replay: ${file} is not valid JSON (${(err as Error).message})`);
      return 2;
    }
    let episodes: ReturnType<typeof parseEpisodes>;
    try {
      episodes = parseEpisodes(data);
    } catch (err) {
      console.error(`gradient-dojo replay: ${file}: ${(err as Error).message}`);
      return 2;
    }
    if (episodes.length === 0) {
      console.error(`gradient-dojo replay: ${file} holds no episodes`);
      return 2;
    }
    let matched = 0;
    for (let i = 0; i < episodes.length; i++) {
      const ep = episodes[i];
      let r: ReturnType<typeof replayEpisode>;
      try {
        r = replayEpisode(ep, i, trig);
      } catch (err) {
        console.log(`episode ${i} (${ep.env_id}, ${ep.steps.length} steps): error: ${(err as Error).message}`);
        continue;
      }
      if (r.mismatch === null) {
        matched++;
        console.log(`episode ${i} (${ep.env_id}, ${r.steps} steps): match`);
      } else {
        const m = r.mismatch;
        console.log(
          `episode ${i} (${ep.env_id}, ${r.steps} steps): MISMATCH at step ${m.step}, ${m.field}: expected ${show(m.expected)}, actual ${show(m.actual)}`,
        );
      }
    }
    console.log(`${matched} of ${episodes.length} episodes match`);
    return matched === episodes.length ? 0 : 1;
  },
};
