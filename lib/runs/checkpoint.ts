/**
 * Checkpoints of a training run: a folder holding `state.json` (algorithm name, config, counters,
 * random-generator states, trainer state, and an index of the arrays) and `arrays.bin` (every flat
 * array — parameters, optimiser moments — little-endian, back to back). A checkpoint is written to a
 * temporary folder and renamed into place, so a crash mid-write never leaves a half checkpoint: a save
 * that fails removes its temporary folder, and a swap interrupted after moving the old checkpoint
 * aside (`<dir>.old-<pid>`) is still found by `loadCheckpoint`. Loading checks the file against its
 * index (a truncated `arrays.bin` is an error, not zeros); `Optimizer.restoreArrays` then checks the
 * arrays against the model.
 *
 * This is the one checkpoint format of the library; an `nn.Optimizer`'s `snapshotArrays()` are the
 * `arrays` of a snapshot.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RngState } from '../util/rng';

/**
 * Everything needed to continue a run exactly: the config it was made with, counters, the state of
 * every random stream, and flat arrays (parameters, optimiser moments). An algorithm's `snapshot()`
 * returns one; a checkpoint stores one.
 */
export interface Snapshot {
  algo: string;
  config: Record<string, unknown>;
  counters: Record<string, number>;
  rngs: Record<string, RngState>;
  arrays: Record<string, Float32Array | Float64Array>;
}

export const CHECKPOINT_FORMAT = 'gradient-dojo-checkpoint/1';

interface ArrayEntry {
  name: string;
  dtype: 'float32' | 'float64';
  offset: number;
  length: number;
}

interface StateFile {
  format: string;
  savedAt: string;
  snapshot: Omit<Snapshot, 'arrays'>;
  trainer: Record<string, unknown>;
  arrays: ArrayEntry[];
}

export interface Checkpoint {
  snapshot: Snapshot;
  /** What the trainer stored beside the algorithm (counters, EWMA, evaluation generator). */
  trainer: Record<string, unknown>;
}

export function saveCheckpoint(dir: string, snapshot: Snapshot, trainer: Record<string, unknown> = {}): void {
  const entries: ArrayEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(snapshot.arrays)) {
    const dtype = arr instanceof Float64Array ? 'float64' : 'float32';
    const bytes = Buffer.from(arr.buffer.slice(arr.byteOffset, arr.byteOffset + arr.byteLength) as ArrayBuffer);
    entries.push({ name, dtype, offset, length: arr.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const { arrays: _omit, ...rest } = snapshot;
  const state: StateFile = { format: CHECKPOINT_FORMAT, savedAt: new Date().toISOString(), snapshot: rest, trainer, arrays: entries };
  let json: string;
  try {
    json = `${JSON.stringify(state, null, 1)}\n`;
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(`saveCheckpoint: the snapshot or trainer state is not JSON-serialisable (${why}); ${dir} is unchanged`);
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'arrays.bin'), Buffer.concat(parts));
    writeFileSync(join(tmp, 'state.json'), json);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  mkdirSync(dirname(dir), { recursive: true });
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

/** The old checkpoint a save moved aside (`<dir>.old-<pid>`) before a crash, if any. */
function movedAside(dir: string): string | null {
  if (!existsSync(dirname(dir))) return null;
  const prefix = `${basename(dir)}.old-`;
  const found = readdirSync(dirname(dir)).find((f) => f.startsWith(prefix) && existsSync(join(dirname(dir), f, 'state.json')));
  return found ? join(dirname(dir), found) : null;
}

export function loadCheckpoint(dir: string): Checkpoint {
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) {
    const nested = join(dir, 'checkpoint', 'state.json');
    if (existsSync(nested)) return loadCheckpoint(join(dir, 'checkpoint'));
    const aside = existsSync(dir) ? null : movedAside(dir);
    if (aside) return loadCheckpoint(aside);
    throw new Error(`no checkpoint at ${dir}: expected ${statePath} (give the run folder or its checkpoint/ folder)`);
  }
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  } catch (e) {
    throw new Error(`checkpoint file ${statePath} is not valid JSON (${(e as Error).message})`);
  }
  if (state.format !== CHECKPOINT_FORMAT)
    throw new Error(`${statePath}: unknown checkpoint format '${state.format}' (expected ${CHECKPOINT_FORMAT})`);
  const binPath = join(dir, 'arrays.bin');
  if (!existsSync(binPath)) throw new Error(`checkpoint ${dir}: arrays.bin is missing`);
  const bin = readFileSync(binPath);
  const needed = state.arrays.reduce((n, e) => Math.max(n, e.offset + e.length * (e.dtype === 'float64' ? 8 : 4)), 0);
  if (bin.length < needed) throw new Error(`checkpoint file ${binPath} is truncated: ${bin.length} bytes, state.json indexes ${needed}`);
  const arrays: Snapshot['arrays'] = {};
  for (const e of state.arrays) {
    const width = e.dtype === 'float64' ? 8 : 4;
    const copy = new ArrayBuffer(e.length * width);
    new Uint8Array(copy).set(bin.subarray(e.offset, e.offset + e.length * width));
    arrays[e.name] = e.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  }
  return { snapshot: { ...state.snapshot, arrays }, trainer: state.trainer };
}
