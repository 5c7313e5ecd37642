import { makeFromSpec } from '../from-spec';
import type { EnvSpec, MakeOptions } from '../registry';
import { AsyncVectorEnv } from './async-vector-env';
import { SyncVectorEnv } from './sync-vector-env';
import type { VectorEnv } from './vector-env';

export interface MakeVecOptions {
  /** 0 (the default): step the envs in this thread (SyncVectorEnv); k > 0: in k worker threads (AsyncVectorEnv). */
  workers?: number;
  /** When given, the envs are reset at once, env i with seed + i. */
  seed?: number;
  /** Options of every env (as `make(id, options)`), when `spec` is an id. */
  options?: MakeOptions;
}

/**
 * `n` envs of one id or spec, as Gymnasium's `make_vec`: in this thread, or in worker threads, which
 * pays off when the env is slow (Atari). Both give the same numbers for the same seeds and actions.
 */
export async function makeVec(spec: string | EnvSpec, n: number, opts: MakeVecOptions = {}): Promise<VectorEnv> {
  const workers = opts.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`makeVec: workers must be a non-negative integer, got ${workers}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`makeVec: n must be a positive integer, got ${n}`);
  if (typeof spec !== 'string' && opts.options) throw new Error('makeVec: give options inside the spec (spec.options), not beside it');
  const s: EnvSpec = typeof spec === 'string' ? { id: spec, ...(opts.options ? { options: opts.options } : {}) } : spec;
  const envs =
    workers === 0 ? new SyncVectorEnv(Array.from({ length: n }, () => makeFromSpec(s))) : await AsyncVectorEnv.create(s, { n, workers });
  if (opts.seed !== undefined) await envs.reset(opts.seed);
  return envs;
}
