/**
 * PPO's minibatch gradient, and helper threads that each compute it on a share of every minibatch
 * (`gradientThreads` in PPOConfig), so that the epochs, which are most of PPO's time on Atari frames,
 * use more than one core.
 *
 * The losses are means over the minibatch, so the minibatch's gradient is the samples-weighted mean of
 * its shares' gradients: with M = m_0 + ... + m_k samples, g = sum_j (m_j / M) g_j. The split is fixed
 * by the sample counts, never by thread timing, so a run is reproducible (its floating-point sums are
 * not those of the same run with gradientThreads 0, which is why the setting is part of the config).
 *
 * Shared memory (SharedArrayBuffers, written by one side at a time): the parameters (the main thread
 * writes them before asking), the rollout's observations (written once per rollout), and one gradient
 * buffer per helper. Per minibatch, a helper gets its share's sample indices and per-sample arrays in a
 * message and answers with the loss terms once its gradient is in its buffer.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { ready } from '../nn/backend';
import { actorCriticModel, type ActorCriticModel, type ConvTrunk } from './models';
import { gatherRows, minibatchGradient, type LossCoefs, type LossTerms, type MinibatchArrays } from './ppo-loss';

/** What builds a helper's copy of the network. */
export interface NetworkSpec {
  obsShape: number[];
  nActions: number;
  hidden: number;
  trunk: ConvTrunk;
}

interface HelperData {
  index: number;
  net: NetworkSpec;
  coefs: LossCoefs;
  params: SharedArrayBuffer;
  obs: SharedArrayBuffer;
  grad: SharedArrayBuffer;
}

type ToHelper = { type: 'gradient'; idx: Int32Array } & MinibatchArrays;
type FromHelper = { type: 'ready' } | { type: 'gradient'; terms: LossTerms } | { type: 'failed'; message: string; stack?: string };

/**
 * `threads` helper threads sharing each minibatch's gradient with the calling thread. Start with
 * `start()`; per rollout `setObservations`; per minibatch `gradient`; `close()` ends the threads.
 */
export class GradientHelpers {
  private readonly params: Float32Array;
  private readonly obs: Float32Array;
  private readonly grads: Float32Array[];
  private readonly workers: Worker[] = [];
  private readonly waiting: ({ resolve: (m: FromHelper) => void; reject: (e: Error) => void } | null)[];
  private failure: Error | null = null;
  private closed = false;
  /** This thread's share of a minibatch's observations (kept: a new one per minibatch would be garbage to collect). */
  private rows = new Float32Array(0);

  constructor(
    readonly threads: number,
    private readonly spec: NetworkSpec,
    private readonly coefs: LossCoefs,
    paramCount: number,
    private readonly obsSize: number,
    batchSize: number,
  ) {
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    this.params = shared(paramCount);
    this.obs = shared(batchSize * obsSize);
    this.grads = Array.from({ length: threads }, () => shared(paramCount));
    this.waiting = Array.from({ length: threads }, () => null);
  }

  /** Starts the threads and waits until each has its network. */
  async start(): Promise<void> {
    const readies: Promise<FromHelper>[] = [];
    for (let i = 0; i < this.threads; i++) {
      const data: HelperData = {
        index: i,
        net: this.spec,
        coefs: this.coefs,
        params: this.params.buffer as SharedArrayBuffer,
        obs: this.obs.buffer as SharedArrayBuffer,
        grad: this.grads[i].buffer as SharedArrayBuffer,
      };
      const w = new Worker(join(__dirname, 'ppo-threads-entry.js'), { workerData: data });
      w.on('message', (m: FromHelper) => this.answer(i, m));
      w.on('error', (e) => this.fail(i, e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(i, new Error(`exited with code ${code}`));
      });
      this.workers.push(w);
      readies.push(this.expect(i));
    }
    await Promise.all(readies);
  }

  /** The rollout's observations ([batch, ...obsShape], step-major), for the minibatches that follow. */
  setObservations(obs: Float32Array): void {
    this.obs.set(obs);
  }

  /**
   * The minibatch `idx` (indices into the rollout) with its per-sample arrays: the gradient of its mean
   * loss at `params`, and the terms, with the helpers computing the later shares while this thread
   * computes the first with `net` (whose weights must be `params`).
   */
  async gradient(
    net: ActorCriticModel,
    params: Float32Array,
    idx: Int32Array,
    mb: MinibatchArrays,
  ): Promise<{ grad: Float32Array; terms: LossTerms }> {
    if (this.failure) throw this.failure;
    this.params.set(params);
    const M = idx.length;
    const bounds = Array.from({ length: this.threads + 2 }, (_, j) => Math.round((j * M) / (this.threads + 1)));
    const part = (j: number) => {
      const [a, b] = [bounds[j], bounds[j + 1]];
      return {
        idx: idx.slice(a, b),
        actions: mb.actions.slice(a, b),
        oldLogp: mb.oldLogp.slice(a, b),
        advantages: mb.advantages.slice(a, b),
        targets: mb.targets.slice(a, b),
      };
    };
    const answers: Promise<FromHelper>[] = [];
    for (let i = 0; i < this.threads; i++) {
      const msg: ToHelper = { type: 'gradient', ...part(i + 1) };
      answers.push(this.expect(i));
      this.workers[i].postMessage(msg);
    }
    const all = Promise.all(answers);
    all.catch(() => {}); // awaited below; not an unhandled rejection if this thread's share throws first
    const own = part(0);
    this.rows = grown(this.rows, own.idx.length * this.obsSize);
    const mine = minibatchGradient(net, gatherRows(this.obs, own.idx, this.obsSize, this.rows), own, this.coefs);
    const theirs = await all;
    const weight = (j: number) => (bounds[j + 1] - bounds[j]) / M;
    const grad = mine.grad;
    const terms = { ...mine.terms };
    for (const k of Object.keys(terms) as (keyof LossTerms)[]) terms[k] *= weight(0);
    for (let p = 0; p < grad.length; p++) grad[p] *= weight(0);
    theirs.forEach((m, i) => {
      if (m.type !== 'gradient') throw new Error(`ppo gradient thread ${i}: unexpected answer '${m.type}'`);
      const w = weight(i + 1);
      const g = this.grads[i];
      for (let p = 0; p < grad.length; p++) grad[p] += w * g[p];
      for (const k of Object.keys(terms) as (keyof LossTerms)[]) terms[k] += w * m.terms[k];
    });
    return { grad, terms };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private expect(i: number): Promise<FromHelper> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting[i] = { resolve, reject };
    });
  }

  private answer(i: number, m: FromHelper): void {
    if (m.type === 'failed') {
      const e = new Error(`ppo gradient thread ${i} failed: ${m.message}`);
      if (m.stack) e.stack = `${e.message}\n(in the thread) ${m.stack}`;
      this.fail(i, e);
      return;
    }
    const w = this.waiting[i];
    this.waiting[i] = null;
    w?.resolve(m);
  }

  private fail(i: number, e: Error): void {
    if (this.closed) return;
    this.failure ??= e.message.startsWith('ppo gradient thread') ? e : new Error(`ppo gradient thread ${i}: ${e.message}`);
    for (const w of this.waiting) w?.reject(this.failure);
    this.waiting.fill(null);
  }
}

/** `buf` if it holds exactly `n` values, else a new array of `n`. */
function grown(buf: Float32Array, n: number): Float32Array {
  return buf.length === n ? buf : new Float32Array(n);
}

// ---------- the helper thread ----------

async function runHelper(data: HelperData): Promise<void> {
  await ready();
  const { obsShape, nActions, hidden, trunk } = data.net;
  const net = actorCriticModel(obsShape, nActions, 0, { shared: true, hidden, trunk });
  const params = new Float32Array(data.params);
  const obs = new Float32Array(data.obs);
  const out = new Float32Array(data.grad);
  if (params.length !== net.group.size)
    throw new Error(`the shared parameters hold ${params.length} values, this thread's network has ${net.group.size}`);
  const size = obsShape.reduce((a, b) => a * b, 1);
  const local = new Float32Array(params.length);
  let rows = new Float32Array(0);
  parentPort!.on('message', (m: ToHelper) => {
    try {
      local.set(params);
      net.group.setFlat(local);
      rows = grown(rows, m.idx.length * size);
      const { grad, terms } = minibatchGradient(net, gatherRows(obs, m.idx, size, rows), m, data.coefs);
      out.set(grad);
      parentPort!.postMessage({ type: 'gradient', terms } satisfies FromHelper);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      parentPort!.postMessage({ type: 'failed', message: e.message, stack: e.stack } satisfies FromHelper);
    }
  });
  parentPort!.postMessage({ type: 'ready' } satisfies FromHelper);
}

/** Entry point of a helper thread (ppo-threads-entry.js). */
export function runHelperThread(): void {
  runHelper(workerData as HelperData).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort!.postMessage({ type: 'failed', message: e.message, stack: e.stack } satisfies FromHelper);
  });
}
