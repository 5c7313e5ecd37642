/**
 * Checkpoints of a training run: a folder holding `state.json` (algorithm name, config, counters,
 * random-generator states, trainer state, and an index of the arrays) and `arrays.bin` (every flat
 * array — parameters, optimiser moments — little-endian, back to back). A checkpoint is written to a
 * temporary folder and renamed into place, so a crash mid-write never leaves a half checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Snapshot } from './algorithm';

export const CHECKPOINT_FORMAT = 'gradient-dojo-checkpoint/1';

interface ArrayEntry { name: string; dtype: 'float32' | 'float64'; offset: number; length: number }

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
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'arrays.bin'), Buffer.concat(parts));
  writeFileSync(join(tmp, 'state.json'), JSON.stringify(state, null, 1) + '\n');
  mkdirSync(dirname(dir), { recursive: true });
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export function loadCheckpoint(dir: string): Checkpoint {
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) {
    const nested = join(dir, 'checkpoint', 'state.json');
    if (existsSync(nested)) return loadCheckpoint(join(dir, 'checkpoint'));
    throw new Error(`no checkpoint at ${dir}: expected ${statePath} (give the run folder or its checkpoint/ folder)`);
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${statePath}: unknown checkpoint format '${state.format}' (expected ${CHECKPOINT_FORMAT})`);
  const bin = readFileSync(join(dir, 'arrays.bin'));
  const arrays: Snapshot['arrays'] = {};
  for (const e of state.arrays) {
    const width = e.dtype === 'float64' ? 8 : 4;
    const copy = new ArrayBuffer(e.length * width);
    new Uint8Array(copy).set(bin.subarray(e.offset, e.offset + e.length * width));
    arrays[e.name] = e.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  }
  return { snapshot: { ...state.snapshot, arrays }, trainer: state.trainer };
}
