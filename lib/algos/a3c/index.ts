/**
 * A3C in one folder, in reading order:
 *
 * - config.ts: the configuration (what both versions share, and what each adds);
 * - step.ts: what a worker does with a rollout, `a3cWorkerStep` (chapter 4's exercise), and the parts
 *   an A3C trains with;
 * - loss.ts: the n-step actor-critic loss and its gradient;
 * - worker.ts: a worker (its environments and local network) and the loop of a worker thread;
 * - shared.ts: the weights workers update, shared without locks (Hogwild!) or a worker's own;
 * - launcher.ts: `A3C`, asynchronous workers as threads (or taking turns in one thread);
 * - sync.ts: `SyncA3C`, one worker with N environments in lockstep (the synchronous version, A2C).
 */
export { A3C_DEFAULTS, SYNC_A3C_DEFAULTS, type A3CConfig, type SyncA3CConfig, type ActorCriticConfig } from './config';
export { a3cWorkerStep, A3C_PARTS, type A3CParts, type A3CWorker, type SharedWeights, type WorkerRollout, type ReturnsFn } from './step';
export { actorCriticGradient } from './loss';
export { ActorCriticWorker } from './worker';
export { A3C } from './launcher';
export { SyncA3C } from './sync';
