import { join } from 'node:path';
import { type CliCommand, UsageError } from '../command';
import { parseFlags } from '../args';
import { algorithmEntry, algorithmNames, createAlgorithm, ALGORITHMS } from '../../algos/registry';
import { findCheckpoint, loadCheckpoint } from '../../runs/checkpoint';
import { clearRun, runFiles } from '../../runs/run-folder';
import { train, TrainingDivergedError } from '../../algos/trainer';
import { registeredIds } from '../../envs';
import { ready, describeBackend } from '../../nn/backend';
import { closestMatch } from '../../util/text';

const usage = `Usage: gradient-dojo train <algo> --out runs/NAME (--steps N | --seconds S) [options]

Trains an agent, writing runs/NAME/metrics.jsonl, TensorBoard event files (tensorboard --logdir runs/),
runs/NAME/checkpoint/ (every --checkpoint-every updates and at the end) and, with --eval-every,
runs/NAME/best/: the agent of the best evaluation so far (eval and play take it with --best).

Algorithms:
${Object.entries(ALGORITHMS)
  .map(([n, e]) => `  ${n.padEnd(14)} ${e.summary} (default env ${e.defaultEnv})`)
  .join('\n')}

  --env ID               environment id (default: the algorithm's)
  --steps N              stop after N environment steps in total
  --seconds S            stop after S seconds of wall-clock time (ends with a final checkpoint)
  --seed S               seed of weights, actions and episode resets (default 0)
  --out DIR              run folder
  --resume               continue the run in --out from its checkpoint (same config, counters, RNG streams;
                         bit-exact for reinforce and a2c, fresh episodes for the others)
  --overwrite            start over in an --out folder that holds an earlier run (its metrics, checkpoint and
                         TensorBoard events are deleted first); without it such a folder is refused
  --config JSON          algorithm settings, e.g. '{"lr":0.001,"numEnvs":8}'
  --eval-every N         evaluate every N updates (default 0: never during training); an evaluation better
                         than all earlier ones saves its agent to runs/NAME/best/
  --stop-at RETURN       stop as soon as an evaluation's mean return reaches RETURN (needs --eval-every)
  --eval-episodes N      episodes per evaluation (default 10)
  --checkpoint-every N   checkpoint every N updates (default 100)
  --lr-schedule S        constant | linear (decay the step size to zero over the budget; default constant)
  --progress MODE        bar | lines | none (default: bar on a terminal, else lines)

Ctrl-C (or SIGTERM) stops the run after the current update (an evaluation under way is abandoned), writes
its checkpoint and says how to resume; a second Ctrl-C quits at once, leaving the last completed checkpoint.`;

/** A count flag: a whole number >= min. */
function wholeNumber(flag: string, v: unknown, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${String(v)}`);
  return n;
}

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
      { name: 'overwrite', type: 'boolean', default: false },
      { name: 'config', type: 'string' },
      { name: 'eval-every', type: 'number', default: 0 },
      { name: 'eval-episodes', type: 'number', default: 10 },
      { name: 'stop-at', type: 'number' },
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
    const evalEvery = wholeNumber('eval-every', flags['eval-every'], 0);
    const evalEpisodes = wholeNumber('eval-episodes', flags['eval-episodes'], 1);
    const checkpointEvery = wholeNumber('checkpoint-every', flags['checkpoint-every'], 0);
    const stopAt = flags['stop-at'] === undefined ? undefined : Number(flags['stop-at']);
    if (stopAt !== undefined && !Number.isFinite(stopAt))
      throw new UsageError(`--stop-at must be a number (a mean evaluation return), got ${String(flags['stop-at'])}`);
    if (stopAt !== undefined && evalEvery === 0)
      throw new UsageError('--stop-at needs evaluations to decide when to stop: add --eval-every N (e.g. --eval-every 10)');
    if (flags.resume && flags.overwrite)
      throw new UsageError('--resume continues the run in --out and --overwrite deletes it: give one of them');
    const earlier = runFiles(out);
    if (!flags.resume && earlier.length > 0) {
      if (!flags.overwrite)
        throw new UsageError(
          `${out} already holds a run (${earlier.join(', ')}). To continue it: add --resume. To start over: ` +
            'give a new --out folder, or add --overwrite to delete that run first.',
        );
      clearRun(out);
      console.error(`--overwrite: deleted the earlier run in ${out} (${earlier.join(', ')})`);
    }
    let config: Record<string, unknown>;
    if (flags.resume) {
      if (!findCheckpoint(join(out, 'checkpoint'))) throw new UsageError(`--resume: no checkpoint in ${join(out, 'checkpoint')}`);
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
    // The first Ctrl-C (or SIGTERM) stops the run after its current update, with a checkpoint; the next
    // one quits at once, also when both came during one long update (their handlers then run in a row).
    const abort = new AbortController();
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (++signals > 1) {
        console.error(`\n${sig} again: quitting at once (${join(out, 'checkpoint')} holds the last checkpoint completed)`);
        process.exit(130);
      }
      console.error(`\n${sig}: stopping after this update and writing a checkpoint (Ctrl-C again to quit at once)`);
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const res = await train(algo, {
        out,
        steps: flags.steps as number | undefined,
        seconds: flags.seconds as number | undefined,
        resume: Boolean(flags.resume),
        evalEvery,
        evalEpisodes,
        stopAt,
        checkpointEvery,
        progress: progress as 'auto',
        signal: abort.signal,
        lrSchedule,
      });
      const last = res.evals.at(-1);
      console.log(
        `${name} on ${String(config.envId)}: ${res.updates} updates, ${res.envSteps} steps, ${res.episodes} episodes, ${res.seconds.toFixed(1)} s this session (stopped: ${res.stopReason})` +
          (last ? `; last evaluation ${last.mean.toFixed(1)} ± ${last.std.toFixed(1)}` : '') +
          `\ncheckpoint: ${res.checkpoint}` +
          (res.best
            ? `\nbest: ${res.best.checkpoint ?? '(not kept)'} (evaluation ${res.best.mean.toFixed(1)} ± ${res.best.std.toFixed(1)} at update ${res.best.update}; ` +
              `eval --checkpoint ${out} --best)`
            : ''),
      );
      if (res.stopReason === 'interrupted') {
        const budget = flags.steps !== undefined ? `--steps ${flags.steps}` : `--seconds ${flags.seconds}`;
        console.error(
          `Interrupted: checkpoint saved to ${res.checkpoint} (update ${res.updates}). Resume with: gradient-dojo train ${name} --out ${out} --resume ${budget}`,
        );
        return 130;
      }
      return 0;
    } catch (e) {
      if (e instanceof TrainingDivergedError) {
        console.error(`gradient-dojo train: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await algo.dispose();
    }
  },
};
