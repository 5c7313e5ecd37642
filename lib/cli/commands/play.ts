import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { chooseCheckpoint, withTrainedAgent } from '../trained-agent';
import { Rng } from '../../util/rng';
import { recordEpisode, toGif, saveBytes } from '../../viz';

const usage = `Usage: gradient-dojo play --checkpoint DIR --gif FILE [--seed S] [--max-steps N] [--fps F] [--scale K] [--best] [--greedy]

Plays one episode with a trained agent and saves it as an animated GIF.

  --checkpoint DIR   a run folder (runs/NAME) or its checkpoint/ folder
  --best             the run's best evaluated agent (runs/NAME/best/, kept by train --eval-every)
                     instead of its latest checkpoint
  --gif FILE         output file (.gif)
  --seed S           environment and action seed (default 0)
  --max-steps N      stop after N steps (default 5000)
  --fps F            frames per second of the GIF (default 30)
  --scale K          integer upscale (default 1 for Atari, 1 for CartPole)
  --greedy           take the arg-max action instead of sampling`;

export const command: CliCommand = {
  summary: 'play one episode with a checkpoint and save it as a GIF',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, [
      { name: 'checkpoint', type: 'string', required: true },
      { name: 'gif', type: 'string', required: true },
      { name: 'seed', type: 'number', default: 0 },
      { name: 'max-steps', type: 'number', default: 5000 },
      { name: 'fps', type: 'number', default: 30 },
      { name: 'scale', type: 'number', default: 1 },
      { name: 'greedy', type: 'boolean', default: false },
      { name: 'best', type: 'boolean', default: false },
    ]);
    if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const checkpoint = chooseCheckpoint(String(flags.checkpoint), Boolean(flags.best));
    return withTrainedAgent(checkpoint, (algo, env) => {
      const seed = Number(flags.seed);
      const agent = algo.evalAgent(new Rng(seed), Boolean(flags.greedy));
      agent.reset();
      const ep = recordEpisode(env, (obs) => agent.act(obs), { seed, maxSteps: Number(flags['max-steps']) });
      const path = saveBytes(String(flags.gif), toGif(ep.frames, { fps: Number(flags.fps), scale: Number(flags.scale) }));
      console.log(
        `${algo.name} on ${algo.config.envId}: return ${ep.totalReward} in ${ep.length} steps${ep.truncated ? ' (truncated)' : ''}; wrote ${path}`,
      );
      return 0;
    });
  },
};
