/**
 * The one training loop every algorithm runs in:
 *
 *   until the step or wall-clock budget is spent:
 *     r = algo.update()                       (collect experience, one gradient step)
 *     stop if any loss/* metric or the gradient norm is NaN or Inf (naming the update, the term and the
 *       last checkpoint); a checkpoint whose parameters are not all finite is never written (same stop)
 *     log: progress line (stderr; stdout in a notebook), metrics.jsonl, TensorBoard events
 *     every evalEvery updates: evaluate on separate environments with separate seeds; an evaluation
 *       better than every earlier one saves the evaluated agent to best/; stop if it reaches stopAt
 *     every checkpointEvery updates, and at the end: checkpoint
 *
 * With `resume: true`, the run folder's checkpoint is restored (parameters, optimiser moments,
 * counters, every random stream). For reinforce and a2c, whose environments start fresh episodes every
 * update, the run then continues bit for bit as if it had never stopped; a3c-nstep, recurrent-a2c and a3c
 * restore the same state exactly but their environments (and the LSTM's memory) start new episodes, so
 * what follows differs from an uninterrupted run, though two resumes from one checkpoint agree bit for bit
 * (a3c only with `workerThreads: false`: its threads race by design, so a threaded run repeats nothing
 * exactly, resumed or not). test/algos/resume.test.ts checks each claim.
 *
 * Files in the run folder `out`: `metrics.jsonl` (one JSON object per update, `kind: 'train'`, and per
 * evaluation, `kind: 'eval'`), `events.out.tfevents.*` (for `tensorboard --logdir runs/`),
 * `checkpoint/` (lib/runs/: the formats of these files), and with evaluations `best/`, a checkpoint of the
 * agent with the best evaluation so far (its trainer state adds `eval`: mean, std, update, envSteps).
 * Evaluations play the agent as it was when they began: `best/` holds exactly the parameters evaluated.
 * Without `resume`, a run replaces whatever run
 * `out` held before (those files are deleted first, so a re-run notebook never mixes two runs); the CLI
 * refuses such a folder unless told `--resume` or `--overwrite`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../envs';
import { Rng } from '../util/rng';
import { makeEnv, evaluateUnlessAborted, type Algorithm, type EvalSummary, type UpdateResult } from './algorithm';
import {
  CheckpointMismatchError,
  findCheckpoint,
  firstNonFinite,
  loadCheckpoint,
  mismatchInCheckpoint,
  NonFiniteSnapshotError,
  saveCheckpoint,
} from '../runs/checkpoint';
import { MetricsLog } from '../runs/metrics';
import { clearRun } from '../runs/run-folder';
import { TensorBoardWriter } from '../runs/tensorboard';
import { inNotebookKernel } from '../util/notebook';

export type ProgressMode = 'bar' | 'lines' | 'none' | 'auto';

export interface TrainOptions {
  /**
   * Run folder for metrics, TensorBoard events and checkpoints; omit to keep everything in memory. Without
   * `resume`, an earlier run's files there (metrics.jsonl, run.json, event files, checkpoint) are deleted first.
   */
  out?: string;
  /** Stop once this many environment steps have been taken in total (counting earlier sessions). */
  steps?: number;
  /** Stop after this many seconds of wall-clock time in this session. */
  seconds?: number;
  /** Continue the run saved in `out/checkpoint`. */
  resume?: boolean;
  /** Evaluate every this many updates (0: never during training). */
  evalEvery?: number;
  /** Episodes per evaluation. */
  evalEpisodes?: number;
  /**
   * Keep the agent of the best evaluation so far in `out/best/` (default: true when evaluating with an
   * `out` folder). An evaluation counts as better when its mean return is strictly higher.
   */
  keepBest?: boolean;
  /** Stop as soon as an evaluation's mean return reaches this value (needs `evalEvery`); stopReason 'target'. */
  stopAt?: number;
  /** Checkpoint every this many updates (0: only at the end). Needs `out`. */
  checkpointEvery?: number;
  /** 'bar': one self-rewriting line on a terminal; 'lines': a line every few seconds (notebooks, logs). */
  progress?: ProgressMode;
  /** Seconds between progress lines in 'lines' mode. */
  progressInterval?: number;
  /** Smoothing of the episode-return EWMA (weight of the newest episode). */
  ewmaAlpha?: number;
  /** Called after every update with what the trainer logged. */
  onUpdate?: (log: TrainLog) => void;
  /**
   * Aborting it stops the run after the current update (an evaluation under way is abandoned), with a
   * final checkpoint; `stopReason` is then 'interrupted'. The loop gives the event loop a turn after every
   * update and every few hundred evaluation steps, so a timer or a signal handler can abort even a
   * synchronous algorithm: `process.once('SIGINT', () => controller.abort())` is how Ctrl-C stops a run.
   */
  signal?: AbortSignal;
  /**
   * 'constant' (default) keeps config.lr; 'linear' decays it to zero over the budget: before each update
   * the step size is config.lr times the fraction of the budget left (of `steps` counted over all sessions,
   * of `seconds` in this session; the smaller when both are given).
   */
  lrSchedule?: 'constant' | 'linear';
}

/** One line of metrics.jsonl of kind 'train'. */
export interface TrainLog {
  kind: 'train';
  /** Updates (gradient steps) so far. */
  update: number;
  /** Environment steps so far. */
  envSteps: number;
  /** Finished training episodes so far. */
  episodes: number;
  /** Seconds of training so far (all sessions). */
  time: number;
  /** Environment steps per second during this session. */
  stepsPerSecond: number;
  /** Mean undiscounted return of the episodes finished in this update (absent when none finished). */
  episodeReturn?: number;
  /** Exponentially weighted average of finished-episode returns. */
  returnEwma?: number;
  /** The algorithm's own metrics (losses, entropy, gradient norm). */
  [metric: string]: number | string | undefined;
}

export interface TrainResult {
  updates: number;
  envSteps: number;
  episodes: number;
  seconds: number;
  /** Why the loop ended. */
  stopReason: 'steps' | 'seconds' | 'interrupted' | 'target';
  /** Evaluations run during training, in order. */
  evals: (EvalSummary & { update: number; envSteps: number })[];
  /** Every training log line (also in metrics.jsonl). */
  history: TrainLog[];
  /** Folder of the final checkpoint, if `out` was given. */
  checkpoint?: string;
  /**
   * The best evaluation of the run so far (over all sessions, as `best/` records it) and, when kept, the
   * folder of its agent. Absent without evaluations.
   */
  best?: BestEval & { checkpoint?: string };
}

/** An evaluation as `best/`'s trainer state records it. */
export interface BestEval {
  mean: number;
  std: number;
  update: number;
  envSteps: number;
}

/** The trainer state in `dir/state.json` as it is on disk, or null when it cannot be read. */
function trainerStateOnDisk(dir: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).trainer ?? null;
  } catch {
    return null;
  }
}

/** The evaluation recorded in `dir/state.json` by a best/ save, or null (none, or not readable). */
export function readBestEval(dir: string): BestEval | null {
  const e = trainerStateOnDisk(dir)?.eval as BestEval | undefined;
  return e && [e.mean, e.std, e.update, e.envSteps].every((x) => typeof x === 'number') ? e : null;
}

/**
 * Config keys that shape the network or the arrays a checkpoint stores (and the environment whose
 * observations the network reads): they cannot change when a run resumes.
 */
export const SHAPING_KEYS = ['envId', 'hidden', 'units', 'sharedTrunk', 'optimizer', 'baseline'] as const;

/** Thrown when a loss, the gradient or the parameters become NaN or infinite. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly update: number,
    readonly term: string,
    readonly value: number,
    readonly lastCheckpoint: string | null,
  ) {
    const what = term.includes('(')
      ? `${term} are not finite`
      : term === 'grad/norm'
        ? `the gradient norm is ${value}`
        : `${term} = ${value}`;
    const savedAt = lastCheckpoint ? checkpointUpdate(lastCheckpoint) : null;
    const advice =
      'a smaller lr (or valueCoef, if the value loss grew first) or stronger clipping (maxGradNorm), e.g. --config \'{"lr":...}\'';
    // Outputs that overflow at the start of update U come from the parameters saved after update U - 1:
    // finite, but not a checkpoint to continue from.
    const overflowed = savedAt === update - 1 && term.startsWith("the network's outputs");
    super(
      `training diverged at update ${update}: ${what}. ` +
        (lastCheckpoint && !overflowed
          ? `The last good checkpoint is ${lastCheckpoint}${savedAt !== null ? ` (update ${savedAt})` : ''}: resume from it with ${advice}.`
          : lastCheckpoint
            ? `The checkpoint ${lastCheckpoint} (update ${savedAt}) holds the parameters that produced these outputs (finite, but far too large): ` +
              `it cannot be continued; start a new run with ${advice}.`
            : `No checkpoint was saved before this point: start again with ${advice}.`),
    );
  }
}

/** The update count stored in the checkpoint in `dir` (what is on disk, not what the run thinks), or null. */
function checkpointUpdate(dir: string): number | null {
  const updates = trainerStateOnDisk(dir)?.updates;
  return typeof updates === 'number' ? updates : null;
}

/**
 * Where progress lines go: stderr in a terminal (stdout stays for results), stdout in a notebook, where
 * Jupyter paints stderr red as if it were an error. Looked up on each write: tslab swaps the streams'
 * `write` for every cell.
 */
function progressStream(): NodeJS.WriteStream {
  return inNotebookKernel() ? process.stdout : process.stderr;
}

class Progress {
  // The first update is shown at once; later ones every `interval` seconds (lines) or 0.1 s (bar).
  private lastPrint = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly mode: Exclude<ProgressMode, 'auto'>,
    private readonly interval: number,
  ) {}
  show(text: string, force = false): void {
    if (this.mode === 'none') return;
    const now = performance.now();
    if (this.mode === 'bar') {
      if (!force && now - this.lastPrint < 100) return;
      this.lastPrint = now;
      progressStream().write(`\r\x1b[K${text}`);
    } else {
      if (!force && now - this.lastPrint < this.interval * 1000) return;
      this.lastPrint = now;
      progressStream().write(`${text}\n`);
    }
  }
  end(): void {
    if (this.mode === 'bar') progressStream().write('\n');
  }
}

function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(digits);
}

/** Trains `algo` with the loop described above. */
export async function train(algo: Algorithm, opts: TrainOptions): Promise<TrainResult> {
  if (opts.steps === undefined && opts.seconds === undefined) throw new Error('train: give a budget, steps and/or seconds');
  if (opts.steps !== undefined && !(opts.steps > 0)) throw new Error(`train: steps must be positive, got ${opts.steps}`);
  if (opts.seconds !== undefined && !(opts.seconds > 0)) throw new Error(`train: seconds must be positive, got ${opts.seconds}`);
  const lrSchedule = opts.lrSchedule ?? 'constant';
  if (lrSchedule !== 'constant' && lrSchedule !== 'linear')
    throw new Error(`train: lrSchedule must be 'constant' or 'linear', got '${String(lrSchedule)}'`);
  if (lrSchedule === 'linear' && !algo.setLearningRateScale)
    throw new Error(`train: lrSchedule 'linear' needs an algorithm with setLearningRateScale; '${algo.name}' has none`);
  const count = (name: keyof TrainOptions, v: number, least: number): number => {
    if (!(Number.isInteger(v) && v >= least)) throw new Error(`train: ${name} must be a whole number >= ${least}, got ${v}`);
    return v;
  };
  const evalEvery = count('evalEvery', opts.evalEvery ?? 0, 0);
  const evalEpisodes = count('evalEpisodes', opts.evalEpisodes ?? 10, 1);
  const checkpointEvery = count('checkpointEvery', opts.checkpointEvery ?? 0, 0);
  if (opts.stopAt !== undefined && !(typeof opts.stopAt === 'number' && Number.isFinite(opts.stopAt)))
    throw new Error(`train: stopAt must be a finite number (a mean evaluation return), got ${opts.stopAt}`);
  if (opts.stopAt !== undefined && evalEvery === 0)
    throw new Error('train: stopAt needs evaluations to decide when to stop: give evalEvery >= 1 as well');
  const keepBest = (opts.keepBest ?? true) && evalEvery > 0 && opts.out !== undefined;
  const alpha = opts.ewmaAlpha ?? 0.05;
  const mode = opts.progress === undefined || opts.progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : opts.progress;
  const progress = new Progress(mode, opts.progressInterval ?? 5);
  const out = opts.out;
  const ckptDir = out ? join(out, 'checkpoint') : null;
  const bestDir = out ? join(out, 'best') : null;
  const metrics = out ? new MetricsLog(join(out, 'metrics.jsonl')) : null;

  // Trainer state (saved in checkpoints).
  let updates = 0;
  let envSteps = 0;
  let episodes = 0;
  let priorSeconds = 0;
  let ewma: number | undefined;
  // Evaluation seeds come from their own stream, far from training seeds, so evaluating never
  // changes what training does.
  const evalRng = new Rng(algo.config.seed + 0x5eed);
  let lastCheckpoint: string | null = null;
  let best: BestEval | null = null;

  if (out) mkdirSync(out, { recursive: true });
  if (opts.resume) {
    if (!ckptDir || !findCheckpoint(ckptDir)) throw new Error(`resume: no checkpoint in ${ckptDir ?? '(no out folder given)'}`);
    const ck = loadCheckpoint(ckptDir);
    if (ck.snapshot.algo !== algo.name) throw new Error(`resume: ${ckptDir} holds a '${ck.snapshot.algo}' run, not '${algo.name}'`);
    for (const key of SHAPING_KEYS) {
      const saved = ck.snapshot.config[key];
      const now = (algo.config as unknown as Record<string, unknown>)[key];
      if (saved !== undefined && JSON.stringify(saved) !== JSON.stringify(now))
        throw new Error(
          `resume: ${key} was ${JSON.stringify(saved)} in ${ckptDir} and is ${JSON.stringify(now)} now; ${key} shapes the network ` +
            'or its optimiser state, so it cannot change when a run resumes (start a new run to change it)',
        );
    }
    try {
      algo.restore(ck.snapshot);
    } catch (e) {
      throw e instanceof CheckpointMismatchError ? mismatchInCheckpoint(ck.dir, e) : e;
    }
    const t = ck.trainer as {
      updates: number;
      envSteps: number;
      episodes: number;
      seconds: number;
      ewma?: number;
      evalRng: [number, number, number, number];
    };
    for (const key of ['updates', 'envSteps', 'episodes', 'seconds', 'evalRng'] as const)
      if (key === 'evalRng' ? !(Array.isArray(t.evalRng) && t.evalRng.length === 4) : typeof t[key] !== 'number')
        throw new Error(
          `resume: ${ck.dir} has an incomplete trainer state ('${key}' is ${JSON.stringify(t[key])}): it was edited, or not written by train(); resume from another checkpoint or start a new run`,
        );
    ({ updates, envSteps, episodes } = t);
    priorSeconds = t.seconds;
    ewma = t.ewma ?? undefined;
    evalRng.setState(t.evalRng);
    lastCheckpoint = ckptDir;
    // The best agent so far is what best/ holds, also when it was saved after the checkpoint resumed here.
    const bestFound = bestDir ? findCheckpoint(bestDir) : null;
    if (bestFound) best = readBestEval(bestFound.dir);
    // Drop log lines written after the checkpoint, so the log reads as one uninterrupted run.
    metrics?.keepUpTo(updates);
  } else if (out) {
    // A new run replaces an earlier one in the same folder whole, so nothing mixes; silently, so that a
    // re-rendered notebook prints what its first render printed.
    clearRun(out);
    metrics!.start();
    writeFileSync(
      join(out!, 'run.json'),
      `${JSON.stringify({ algo: algo.name, config: algo.config, started: new Date().toISOString() }, null, 1)}\n`,
    );
  }
  const tb = out ? new TensorBoardWriter(out) : null;
  const log = (obj: object) => {
    metrics?.append(obj);
  };

  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const sessionStartSteps = envSteps;
  const trainerState = () => ({
    updates,
    envSteps,
    episodes,
    seconds: priorSeconds + elapsed(),
    ewma: ewma ?? null,
    evalRng: evalRng.getState(),
  });
  /** Saves `snap` to `dir`; a snapshot with NaN in it is divergence (the previous save stays the last good one). */
  const save = (dir: string, snap: ReturnType<Algorithm['snapshot']>, trainer: Record<string, unknown>) => {
    try {
      saveCheckpoint(dir, snap, trainer);
    } catch (e) {
      if (e instanceof NonFiniteSnapshotError)
        throw new TrainingDivergedError(updates, `the parameters ('${e.array}')`, NaN, lastCheckpoint);
      throw e;
    }
  };
  const checkpoint = () => {
    if (!ckptDir) return;
    save(ckptDir, algo.snapshot(), trainerState());
    lastCheckpoint = ckptDir;
  };
  let evalEnv: Env<Float32Array, number> | null = null;
  /** Evaluates; false when the run was interrupted meanwhile (the evaluation is abandoned, nothing logged). */
  const runEval = async (): Promise<boolean> => {
    evalEnv ??= makeEnv(algo.config.envId);
    const seed = 2_000_000_000 + evalRng.int(100_000_000);
    // The agent as evaluated (threaded a3c's workers may move the shared weights during the evaluation).
    const evaluated = keepBest ? algo.snapshot() : null;
    const ev = await evaluateUnlessAborted(evalEnv, algo.evalAgent(evalRng.fork()), evalEpisodes, seed, opts.signal);
    if (!ev) return false;
    if (best === null || ev.mean > best.mean) {
      best = { mean: ev.mean, std: ev.std, update: updates, envSteps };
      if (evaluated && bestDir) save(bestDir, evaluated, { ...trainerState(), eval: best });
    }
    const entry = {
      kind: 'eval' as const,
      update: updates,
      envSteps,
      time: priorSeconds + elapsed(),
      mean: ev.mean,
      std: ev.std,
      min: ev.min,
      max: ev.max,
      episodes: ev.episodes,
    };
    log(entry);
    tb?.scalars(envSteps, { 'eval/mean_return': ev.mean, 'eval/std_return': ev.std });
    result.evals.push({ ...ev, update: updates, envSteps });
    progress.show(
      `eval @ update ${updates}: mean ${fmt(ev.mean)} ± ${fmt(ev.std)} over ${ev.episodes} episodes (min ${fmt(ev.min)}, max ${fmt(ev.max)})` +
        ` | best ${fmt(best.mean)} (update ${best.update})${best.update === updates && keepBest ? `, saved to ${bestDir}` : ''}`,
      true,
    );
    if (mode === 'bar') progressStream().write('\n');
    return true;
  };

  const result: TrainResult = { updates, envSteps, episodes, seconds: 0, stopReason: 'steps', evals: [], history: [] };
  try {
    for (;;) {
      if (opts.steps !== undefined && envSteps >= opts.steps) {
        result.stopReason = 'steps';
        break;
      }
      if (opts.seconds !== undefined && elapsed() >= opts.seconds) {
        result.stopReason = 'seconds';
        break;
      }
      if (opts.signal?.aborted) {
        result.stopReason = 'interrupted';
        break;
      }
      let lrScale: number | undefined;
      if (lrSchedule === 'linear') {
        const left = Math.min(
          opts.steps !== undefined ? 1 - envSteps / opts.steps : 1,
          opts.seconds !== undefined ? 1 - elapsed() / opts.seconds : 1,
        );
        lrScale = Math.min(1, Math.max(0, left));
        algo.setLearningRateScale!(lrScale);
      }
      let r: UpdateResult;
      try {
        r = await Promise.resolve(algo.update());
      } catch (e) {
        // An update that fails on numbers that are no longer finite (e.g. sampling from NaN logits after
        // a step that blew the weights up) is divergence, with the last good checkpoint named.
        const bad = firstNonFinite(algo.snapshot().arrays);
        if (bad) throw new TrainingDivergedError(updates + 1, `the parameters ('${bad.array}', ${bad.count} values)`, NaN, lastCheckpoint);
        const msg = e instanceof Error ? e.message : String(e);
        if (/\bfinite\b|NaN|Infinity/.test(msg))
          throw new TrainingDivergedError(updates + 1, `the network's outputs (${msg})`, NaN, lastCheckpoint);
        throw e;
      }
      // Give the event loop a turn after every update: a synchronous algorithm's update never does,
      // and signal handlers (Ctrl-C: `opts.signal`) and timers only run between turns.
      await new Promise<void>((resolve) => setImmediate(resolve));
      updates++;
      envSteps += r.envSteps;
      episodes += r.episodeReturns.length;
      for (const [k, v] of Object.entries(r.metrics)) {
        if ((k.startsWith('loss/') || k === 'grad/norm') && !Number.isFinite(v))
          throw new TrainingDivergedError(updates, k, v, lastCheckpoint);
      }
      for (const g of r.episodeReturns) ewma = ewma === undefined ? g : (1 - alpha) * ewma + alpha * g;
      const episodeReturn = r.episodeReturns.length ? r.episodeReturns.reduce((a, b) => a + b, 0) / r.episodeReturns.length : undefined;
      const t = elapsed();
      const entry: TrainLog = {
        kind: 'train',
        update: updates,
        envSteps,
        episodes,
        time: priorSeconds + t,
        stepsPerSecond: (envSteps - sessionStartSteps) / Math.max(t, 1e-9),
        ...(episodeReturn !== undefined ? { episodeReturn } : {}),
        ...(ewma !== undefined ? { returnEwma: ewma } : {}),
        ...r.metrics,
        ...(lrScale !== undefined ? { 'optim/lr_scale': lrScale } : {}),
      };
      log(entry);
      result.history.push(entry);
      tb?.scalars(envSteps, {
        ...(episodeReturn !== undefined ? { 'episode/return': episodeReturn } : {}),
        ...(ewma !== undefined ? { 'episode/return_ewma': ewma } : {}),
        'perf/steps_per_second': entry.stepsPerSecond,
        ...r.metrics,
        ...(lrScale !== undefined ? { 'optim/lr_scale': lrScale } : {}),
      });
      opts.onUpdate?.(entry);
      const budget = opts.steps !== undefined ? `${envSteps}/${opts.steps} steps` : `${envSteps} steps`;
      const timeBudget = opts.seconds !== undefined ? ` ${t.toFixed(0)}/${opts.seconds}s` : ` ${t.toFixed(0)}s`;
      const lastEval = result.evals.at(-1);
      const evals = lastEval && best ? ` | eval ${fmt(lastEval.mean)} best ${fmt(best.mean)}` : '';
      const losses = Object.entries(r.metrics)
        .filter(([k]) => k.startsWith('loss/'))
        .map(([k, v]) => `${k.slice(5)} ${fmt(v, 3)}`)
        .join(' ');
      progress.show(
        `${algo.name} ${algo.config.envId} | upd ${updates} | ${budget}${timeBudget} | ${fmt(entry.stepsPerSecond, 0)} steps/s (load ${loadavg()[0].toFixed(1)}) | return ${fmt(episodeReturn)} ewma ${fmt(ewma)} | entropy ${fmt(r.metrics['policy/entropy'], 3)}${evals} | ${losses}`,
      );
      if (evalEvery > 0 && updates % evalEvery === 0 && !opts.signal?.aborted) {
        if (!(await runEval())) {
          result.stopReason = 'interrupted';
          break;
        }
        if (opts.stopAt !== undefined && result.evals[result.evals.length - 1].mean >= opts.stopAt) {
          result.stopReason = 'target';
          break;
        }
      }
      if (checkpointEvery > 0 && updates % checkpointEvery === 0) checkpoint();
    }
    checkpoint();
  } finally {
    progress.end();
    tb?.close();
    (evalEnv as Env<Float32Array, number> | null)?.close();
  }
  Object.assign(result, { updates, envSteps, episodes, seconds: elapsed(), checkpoint: ckptDir ?? undefined });
  const bestSoFar = best as BestEval | null;
  if (bestSoFar) result.best = { ...bestSoFar, ...(bestDir && findCheckpoint(bestDir) ? { checkpoint: bestDir } : {}) };
  return result;
}
