import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { evaluateAlgorithm } from '../../algos/registry';
import { chooseCheckpoint, withTrainedAgent } from '../trained-agent';

const usage = `Usage: gradient-dojo eval --checkpoint DIR [--episodes N] [--seed S] [--best] [--greedy] [--json]

Plays N full episodes with a trained agent (sampling from its policy, or the most likely action with
--greedy) and prints the mean, standard deviation, minimum and maximum return.

  --checkpoint DIR   a run folder (runs/NAME) or its checkpoint/ folder
  --best             the run's best evaluated agent (runs/NAME/best/, kept by train --eval-every)
                     instead of its latest checkpoint
  --episodes N       episodes (default 10); episode i is reset with seed S+i
  --seed S           first environment seed (default 0); also seeds the action sampling
  --greedy           take the arg-max action instead of sampling
  --json             print one JSON object instead of text`;

export const command: CliCommand = {
  summary: 'evaluate a checkpoint: mean, std, min, max return over N episodes',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, [
      { name: 'checkpoint', type: 'string', required: true },
      { name: 'episodes', type: 'number', default: 10 },
      { name: 'seed', type: 'number', default: 0 },
      { name: 'greedy', type: 'boolean', default: false },
      { name: 'best', type: 'boolean', default: false },
      { name: 'json', type: 'boolean', default: false },
    ]);
    if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const episodes = Number(flags.episodes);
    if (!Number.isInteger(episodes) || episodes < 1) throw new UsageError(`--episodes must be a positive integer, got ${episodes}`);
    const checkpoint = chooseCheckpoint(String(flags.checkpoint), Boolean(flags.best));
    return withTrainedAgent(checkpoint, (algo, env) => {
      const seed = Number(flags.seed);
      const s = evaluateAlgorithm(algo, env, { episodes, seed, greedy: Boolean(flags.greedy) });
      if (flags.json) {
        console.log(
          JSON.stringify({
            checkpoint,
            algo: algo.name,
            env: algo.config.envId,
            episodes: s.episodes,
            seed,
            greedy: Boolean(flags.greedy),
            mean: s.mean,
            std: s.std,
            min: s.min,
            max: s.max,
            returns: s.returns,
            lengths: s.lengths,
          }),
        );
      } else {
        console.log(
          `${algo.name} on ${algo.config.envId}, ${s.episodes} episodes (seeds ${seed}..${seed + episodes - 1}${flags.greedy ? ', greedy' : ''}):`,
        );
        console.log(`  mean ${s.mean.toFixed(2)}  std ${s.std.toFixed(2)}  min ${s.min}  max ${s.max}`);
      }
      return 0;
    });
  },
};
