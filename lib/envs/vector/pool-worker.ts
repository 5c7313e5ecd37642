/**
 * An AsyncVectorEnv worker: builds its envs from specs, then serves commands from the shared control block,
 * stepping its slice of the batch straight into the shared arrays.
 */
import { workerData } from 'node:worker_threads';
import { makeFromSpec } from '../from-spec';
import type { Env } from '../core';
import { BatchStepper, EnvStepError, viewBuffers } from './buffers';
// The control block's layout and commands, shared with the main thread's AsyncVectorEnv.
import * as P from './pool-protocol';

const init = workerData as P.WorkerInit;
const ctrl = new Int32Array(init.control);
const base = init.worker * P.SLOT;
const errText = new Uint8Array(init.errors, init.worker * P.ERR_BYTES, P.ERR_BYTES);
const stats = new Float64Array(init.stats, init.worker * P.STATS_SLOT * 8, P.STATS_SLOT);

function finish(): void {
  Atomics.add(ctrl, base + P.DONE, 1);
  Atomics.notify(ctrl, base + P.DONE);
}

function report(env: number, err: unknown): void {
  const msg =
    err instanceof EnvStepError
      ? `${err.phase}: ${err.original instanceof Error ? err.original.message : String(err.original)}`
      : err instanceof Error
        ? err.message
        : String(err);
  const bytes = new TextEncoder().encode(msg).subarray(0, P.ERR_BYTES);
  errText.set(bytes);
  ctrl[base + P.ERR_LEN] = bytes.length;
  ctrl[base + P.ERR_ENV] = env;
  Atomics.store(ctrl, base + P.STATUS, P.STATUS_ERROR);
}

function main(): void {
  const envs: Env<unknown, number>[] = [];
  for (let k = 0; k < init.specs.length; k++) {
    try {
      envs.push(makeFromSpec(init.specs[k]));
    } catch (err) {
      report(init.from + k, new Error(`creating ${init.specs[k].id}: ${err instanceof Error ? err.message : String(err)}`));
      finish();
      return;
    }
  }
  const stepper = new BatchStepper(envs, init.from, viewBuffers(init.memory, init.n, init.obsSize));
  finish(); // ready
  let seq = 0;
  for (;;) {
    Atomics.wait(ctrl, base + P.SEQ, seq);
    seq = Atomics.load(ctrl, base + P.SEQ);
    const cmd = ctrl[base + P.CMD];
    if (cmd === P.CMD_CLOSE) {
      for (const e of envs) {
        try {
          e.close();
        } catch {
          /* closing is best effort */
        }
      }
      finish();
      return;
    }
    const t0 = performance.now();
    try {
      if (cmd === P.CMD_STEP) stepper.stepAll();
      else if (cmd === P.CMD_RESET) stepper.resetAll();
      else throw new Error(`unknown command ${cmd}`);
    } catch (err) {
      report(err instanceof EnvStepError ? err.env : init.from, err);
      finish();
      return; // the pool shuts down after an error
    }
    // Written before finish() publishes DONE, so the main thread reads it once the command completes.
    stats[P.STATS_BUSY_MS] += performance.now() - t0;
    stats[P.STATS_COMMANDS] += 1;
    finish();
  }
}

main();
