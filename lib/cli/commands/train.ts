import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { algorithmEntry, algorithmNames, createAlgorithm, ALGORITHMS } from '../../algos/registry';
import { loadCheckpoint } from '../../runs/checkpoint';
import { train, TrainingDivergedError } from '../../algos/trainer';
import { registeredIds } from '../../envs';
import { ready, describeBackend } from '../../nn/backend';
import { closestMatch } from '../../util/text';

const usage = `Usage: gradient-dojo train <algo> --out runs/NAME (--steps N | --seconds S) [options]

Trains an agent, writing runs/NAME/metrics.jsonl, TensorBoard event files (tensorboard --logdir runs/)
and runs/NAME/checkpoint/ (every --checkpoint-every updates and at the end).

Algorithms:
${Object.entries(ALGORITHMS)
  .map(([n, e]) => `  ${n.padEnd(14)} ${e.summary} (default env ${e.defaultEnv})`)
  .join('\n')}

  --env ID               environment id (default: the algorithm's)
  --steps N              stop after N environment steps in total
  --seconds S            stop after S seconds of wall-clock time (ends with a final checkpoint)
  --seed S               seed of weights, actions and episode resets (default 0)
  --out DIR              run folder
  --resume               continue the run in --out from its checkpoint (same config, counters, RNG streams)
  --config JSON          algorithm settings, e.g. '{"lr":0.001,"numEnvs":8}'
  --eval-every N         evaluate every N updates (default 0: never during training)
  --eval-episodes N      episodes per evaluation (default 10)
  --checkpoint-every N   checkpoint every N updates (default 100)
  --lr-schedule S        constant | linear (decay the step size to zero over the budget; default constant)
  --progress MODE        bar | lines | none (default: bar on a terminal, else lines)`;

function parseConfig(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--config must be a JSON object such as '{"lr":0.001}' (${(e as Error).message})`);
  }
}

export const command: CliCommand = {
  summary: 'train an agent (reinforce, a2c, a3c-sync, a3c-nstep, a3c, recurrent-a2c)',
  usage,
  async run(argv) {
    const { flags, positional } = parseFlags(argv, [
      { name: 'env', type: 'string' },
      { name: 'steps', type: 'number' },
      { name: 'seconds', type: 'number' },
      { name: 'seed', type: 'number', default: 0 },
      { name: 'out', type: 'string', required: true },
      { name: 'resume', type: 'boolean', default: false },
      { name: 'config', type: 'string' },
      { name: 'eval-every', type: 'number', default: 0 },
      { name: 'eval-episodes', type: 'number', default: 10 },
      { name: 'checkpoint-every', type: 'number', default: 100 },
      { name: 'progress', type: 'string' },
      { name: 'lr-schedule', type: 'string', default: 'constant' },
    ]);
    const lrSchedule = String(flags['lr-schedule']);
    if (lrSchedule !== 'constant' && lrSchedule !== 'linear')
      throw new UsageError(`--lr-schedule must be constant or linear, got '${lrSchedule}'`);
    if (positional.length !== 1)
      throw new UsageError(
        `give exactly one algorithm (${algorithmNames().join(', ')}), got ${positional.length ? positional.join(' ') : 'none'}`,
      );
    const name = positional[0];
    try {
      algorithmEntry(name);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (flags.steps === undefined && flags.seconds === undefined) throw new UsageError('give a budget: --steps N and/or --seconds S');
    const progress = flags.progress === undefined ? 'auto' : String(flags.progress);
    if (!['auto', 'bar', 'lines', 'none'].includes(progress))
      throw new UsageError(`--progress must be bar, lines or none, got '${progress}'`);
    const out = String(flags.out);
    let config: Record<string, unknown>;
    if (flags.resume) {
      if (!existsSync(join(out, 'checkpoint', 'state.json'))) throw new UsageError(`--resume: no checkpoint in ${join(out, 'checkpoint')}`);
      const saved = loadCheckpoint(join(out, 'checkpoint')).snapshot;
      if (saved.algo !== name) throw new UsageError(`--resume: ${out} holds a '${saved.algo}' run, not '${name}'`);
      config = { ...saved.config, ...parseConfig(flags.config as string | undefined) };
      if (flags.env !== undefined && flags.env !== config.envId)
        throw new UsageError(`--resume: the run trains on ${String(config.envId)}, not ${String(flags.env)}`);
    } else {
      const envId = flags.env === undefined ? algorithmEntry(name).defaultEnv : String(flags.env);
      const ids = registeredIds();
      if (!ids.includes(envId)) {
        const near = closestMatch(envId, ids);
        throw new UsageError(`unknown environment '${envId}'.${near ? ` Did you mean '${near}'?` : ''} Environments: ${ids.join(', ')}`);
      }
      config = { ...parseConfig(flags.config as string | undefined), envId, seed: Number(flags.seed) };
    }
    await ready();
    console.error(describeBackend());
    let algo: ReturnType<typeof createAlgorithm>;
    try {
      algo = createAlgorithm(name, config);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const abort = new AbortController();
    const onSigint = () => {
      console.error('\ninterrupted: stopping after this update and writing a checkpoint (Ctrl-C again to quit at once)');
      abort.abort();
      process.off('SIGINT', onSigint);
    };
    process.on('SIGINT', onSigint);
    try {
      const res = await train(algo, {
        out,
        steps: flags.steps as number | undefined,
        seconds: flags.seconds as number | undefined,
        resume: Boolean(flags.resume),
        evalEvery: Number(flags['eval-every']),
        evalEpisodes: Number(flags['eval-episodes']),
        checkpointEvery: Number(flags['checkpoint-every']),
        progress: progress as 'auto',
        signal: abort.signal,
        lrSchedule,
      });
      const last = res.evals.at(-1);
      console.log(
        `${name} on ${String(config.envId)}: ${res.updates} updates, ${res.envSteps} steps, ${res.episodes} episodes, ${res.seconds.toFixed(1)} s this session (stopped: ${res.stopReason})` +
          (last ? `; last evaluation ${last.mean.toFixed(1)} ± ${last.std.toFixed(1)}` : '') +
          `\ncheckpoint: ${res.checkpoint}`,
      );
      return 0;
    } catch (e) {
      if (e instanceof TrainingDivergedError) {
        console.error(`gradient-dojo train: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
      await algo.dispose();
    }
  },
};
