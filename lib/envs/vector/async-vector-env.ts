import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { makeFromSpec } from '../from-spec';
import type { EnvSpec } from '../registry';
import { shapeSize, type Space } from '../spaces';
import { allocateBuffers } from './buffers';
import { VectorEnv, type VectorStep } from './vector-env';
import {
  CMD,
  CMD_CLOSE,
  CMD_RESET,
  CMD_STEP,
  DONE,
  ERR_BYTES,
  ERR_ENV,
  ERR_LEN,
  SEQ,
  SLOT,
  STATS_BUSY_MS,
  STATS_SLOT,
  STATUS,
  STATUS_ERROR,
  type WorkerInit,
} from './pool-protocol';

export interface AsyncVectorEnvOptions {
  /** Number of envs when one spec is given (env i gets seed spec.seed + i). */
  n?: number;
  /**
   * Milliseconds a `step()` or `reset()` may take before it rejects, naming the worker and its envs, and
   * the pool closes (an env that hangs). Default 60000; 0 waits forever.
   */
  stepTimeoutMs?: number;
  /** Worker threads (default: one per core, at most one per env). */
  workers?: number;
}

/**
 * N environments stepped in parallel by worker threads (Gymnasium's `AsyncVectorEnv`; Practical_RL's
 * EnvPool). Each worker owns a contiguous slice of the envs and writes observations, rewards and flags
 * straight into SharedArrayBuffers (no copies, no messages per step); the main thread signals through
 * Atomics. Semantics are SyncVectorEnv's, bit for bit.
 *
 * An env that throws stops the pool: the step rejects with the env's index and message and every worker
 * is terminated. Workers are unref'd, so a forgotten pool never keeps the process alive.
 */
export class AsyncVectorEnv extends VectorEnv {
  private readonly ctrl: Int32Array;
  private readonly errors: Uint8Array;
  private readonly stats: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly ranges: Array<[number, number]> = [];
  private readonly expected: number[] = [];
  private failure: Error | null = null;
  private rejectDeath: (e: Error) => void = () => {};
  private readonly death: Promise<never>;
  private closed = false;
  private started = false;
  /** step() and reset() calls awaiting the workers. */
  private inFlight = 0;
  private stepTimeoutMs = 60_000;

  private constructor(
    readonly specs: EnvSpec[],
    nWorkers: number,
    observationSpace: Space<unknown>,
    actionSpace: Space<number>,
  ) {
    const n = specs.length;
    const obsSize = shapeSize(observationSpace.shape);
    const { buffers, memory } = allocateBuffers(n, obsSize, true);
    super(observationSpace, actionSpace, buffers);
    const control = new SharedArrayBuffer(nWorkers * SLOT * 4);
    const errors = new SharedArrayBuffer(nWorkers * ERR_BYTES);
    const stats = new SharedArrayBuffer(nWorkers * STATS_SLOT * 8);
    this.stats = new Float64Array(stats);
    this.ctrl = new Int32Array(control);
    this.errors = new Uint8Array(errors);
    this.death = new Promise<never>((_, reject) => {
      this.rejectDeath = reject;
    });
    this.death.catch(() => {});
    for (let w = 0; w < nWorkers; w++) {
      const from = Math.floor((w * n) / nWorkers),
        to = Math.floor(((w + 1) * n) / nWorkers);
      this.ranges.push([from, to]);
      this.expected.push(0);
      const init: WorkerInit = {
        worker: w,
        from,
        specs: specs.slice(from, to),
        n,
        obsSize,
        memory: memory as SharedArrayBuffer,
        control,
        errors,
        stats,
      };
      const worker = new Worker(join(__dirname, 'pool-worker-bootstrap.js'), { workerData: init });
      worker.unref();
      worker.on('error', (err) => this.fail(new Error(`AsyncVectorEnv: worker ${w} (envs ${from}..${to - 1}) crashed: ${err.message}`)));
      worker.on('exit', (code) => {
        // A worker stops after reporting an env's error; the report, not the exit, is the news.
        if (!this.closed)
          this.fail(
            this.reportedError(w) ??
              new Error(`AsyncVectorEnv: worker ${w} (envs ${from}..${to - 1}) exited unexpectedly with code ${code}`),
          );
      });
      this.workers.push(worker);
    }
  }

  /**
   * Starts the workers and builds the envs in them. `spec` is one spec replicated `n` times (env i's
   * first reset seeded with spec.seed + i) or one spec per env.
   */
  static async create(spec: EnvSpec | EnvSpec[], options: AsyncVectorEnvOptions = {}): Promise<AsyncVectorEnv> {
    let specs: EnvSpec[];
    if (Array.isArray(spec)) {
      if (spec.length === 0) throw new Error('AsyncVectorEnv.create: give at least one env spec');
      specs = spec.map((s) => ({ ...s }));
    } else {
      const n = options.n ?? 1;
      if (!Number.isInteger(n) || n < 1) throw new Error(`AsyncVectorEnv.create: n must be a positive integer, got ${n}`);
      specs = Array.from({ length: n }, (_, i) => ({ ...spec, seed: spec.seed === undefined ? undefined : spec.seed + i }));
    }
    try {
      structuredClone(specs);
    } catch {
      throw new Error(
        'AsyncVectorEnv.create: env specs must be plain serialisable data (id, options, seed, module), with no functions or class instances',
      );
    }
    // Built here too: a bad id or option fails before any thread starts, and the spaces come from it.
    const probe = makeFromSpec(specs[0]);
    probe.close();
    const nWorkers = Math.max(1, Math.min(options.workers ?? availableParallelism(), specs.length));
    const timeout = options.stepTimeoutMs ?? 60_000;
    if (!(Number.isFinite(timeout) && timeout >= 0))
      throw new Error(`AsyncVectorEnv.create: stepTimeoutMs must be a number of milliseconds >= 0 (0: no limit), got ${timeout}`);
    const pool = new AsyncVectorEnv(specs, nWorkers, probe.observationSpace, probe.actionSpace);
    pool.stepTimeoutMs = timeout;
    for (let w = 0; w < nWorkers; w++) pool.expected[w] = 1;
    await pool.waitAll();
    return pool;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * Milliseconds each worker has spent inside its envs' step and reset calls since the pool started
   * (wall time on the worker's thread, so time the OS gives to other processes counts too). Compared
   * with the wall time of the pool's steps it shows the pool's own cost (signalling, waiting for the
   * slowest worker) apart from the cost of stepping.
   */
  workerBusyMs(): number[] {
    return Array.from({ length: this.workers.length }, (_, w) => this.stats[w * STATS_SLOT + STATS_BUSY_MS]);
  }

  /** Resets every env: with seed + i when given, else with each spec's own seed on the first reset. */
  async reset(seed?: number): Promise<Float32Array> {
    for (let i = 0; i < this.numEnvs; i++) {
      const s = seed !== undefined ? seed + i : !this.started ? this.specs[i].seed : undefined;
      this.buffers.seeds[i] = s === undefined ? NaN : s;
    }
    await this.timed('reset', CMD_RESET);
    this.started = true;
    return this.buffers.obs;
  }

  /** Steps every env in parallel; resolves to views of the shared arrays (overwritten by the next step). */
  async step(actions: ArrayLike<number>): Promise<VectorStep> {
    if (!this.started) throw new Error('AsyncVectorEnv.step: call reset() first');
    this.setActions(actions, 'AsyncVectorEnv');
    await this.timed('step', CMD_STEP);
    return this.stepResult();
  }

  /** A step or reset, rejected after `stepTimeoutMs` (the pool then closes: its workers are stuck). */
  private async timed(what: 'step' | 'reset', cmd: number): Promise<void> {
    this.inFlight++;
    try {
      await this.command(cmd, this.stepTimeoutMs > 0 ? this.stepTimeoutMs : undefined);
    } catch (e) {
      const m = /worker (\d+) did not answer within/.exec((e as Error).message);
      if (m) {
        const [from, to] = this.ranges[Number(m[1])];
        const err = new Error(
          `AsyncVectorEnv.${what}: envs ${from}..${to - 1} (worker ${m[1]}) did not finish within ${this.stepTimeoutMs} ms: an env hangs ` +
            `(${this.specs[from]?.id ?? '?'}). The pool is closed; raise stepTimeoutMs if its steps are legitimately that slow.`,
        );
        this.fail(err);
        this.closed = true;
        await Promise.all(this.workers.map((wk) => wk.terminate()));
        throw err;
      }
      throw e;
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Stops the workers (after closing their envs). Safe to call more than once. A step() or reset() still
   * in flight rejects ("closed while ... in flight") instead of never settling.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight > 0) {
      const err = new Error('AsyncVectorEnv: close() was called while a step() or reset() was in flight; that call is abandoned');
      this.failure = err;
      this.rejectDeath(err);
      // Held ref'd until they are gone: an unref'd worker's termination would not keep this promise's
      // event loop alive.
      for (const w of this.workers) w.ref();
      await Promise.all(this.workers.map((w) => w.terminate()));
      return;
    }
    if (!this.failure) {
      try {
        await this.command(CMD_CLOSE, 2000);
      } catch {
        /* terminating below anyway */
      }
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.rejectDeath(err);
  }

  private async command(cmd: number, timeoutMs?: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed && cmd !== CMD_CLOSE) throw new Error('AsyncVectorEnv: closed');
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOT;
      this.ctrl[base + CMD] = cmd;
      this.expected[w]++;
      Atomics.add(this.ctrl, base + SEQ, 1);
      Atomics.notify(this.ctrl, base + SEQ);
    }
    await this.waitAll(timeoutMs);
  }

  private async waitAll(timeoutMs?: number): Promise<void> {
    // Atomics.waitAsync does not keep the event loop alive: hold the workers ref'd while waiting.
    for (const wk of this.workers) wk.ref();
    try {
      await this.waitAllInner(timeoutMs);
    } finally {
      // (A close() in progress holds them ref'd until they are terminated.)
      if (!this.closed) for (const wk of this.workers) wk.unref();
    }
  }

  private async waitAllInner(timeoutMs?: number): Promise<void> {
    // One deadline for the whole command, checked against the clock: a wait may end before its timeout
    // without the worker having finished (a wake-up that is not the worker's answer), and that is no
    // reason to give up on it.
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
    for (let w = 0; w < this.workers.length; w++) {
      const idx = w * SLOT + DONE;
      for (;;) {
        const v = Atomics.load(this.ctrl, idx);
        if (v >= this.expected[w]) break;
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`AsyncVectorEnv: worker ${w} did not answer within ${timeoutMs} ms`);
        const waiter = Atomics.waitAsync(this.ctrl, idx, v, Number.isFinite(left) ? left : undefined);
        if (waiter.async) await Promise.race([waiter.value, this.death]);
      }
    }
    for (let w = 0; w < this.workers.length; w++) {
      const err = this.reportedError(w);
      if (err) {
        this.fail(err);
        this.closed = true;
        await Promise.all(this.workers.map((wk) => wk.terminate()));
        throw this.failure ?? err;
      }
    }
  }

  /** The error worker w reported through the control block (an env that threw), if any. */
  private reportedError(w: number): Error | null {
    const base = w * SLOT;
    if (Atomics.load(this.ctrl, base + STATUS) !== STATUS_ERROR) return null;
    const len = this.ctrl[base + ERR_LEN];
    const env = this.ctrl[base + ERR_ENV];
    const msg = new TextDecoder().decode(this.errors.slice(w * ERR_BYTES, w * ERR_BYTES + len));
    return new Error(`AsyncVectorEnv: env ${env} (${this.specs[env]?.id ?? '?'}) threw during ${msg}`);
  }
}
