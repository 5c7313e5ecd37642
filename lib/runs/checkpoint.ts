/**
 * Checkpoints of a training run: a folder holding `state.json` (algorithm name, config, counters,
 * random-generator states, trainer state, and an index of the arrays) and `arrays.bin` (every flat
 * array — parameters, optimiser moments — little-endian, back to back). A checkpoint is written to a
 * temporary folder and renamed into place, so a crash mid-write never leaves a half checkpoint: a save
 * that fails removes its temporary folder, and a swap interrupted after moving the old checkpoint
 * aside (`<dir>.old-<pid>`) is still found by `loadCheckpoint`. Loading checks the file against its
 * index and checksums (a truncated, padded, swapped or damaged `arrays.bin`, or an edited state.json, is an
 * error naming the file, not zeros). A snapshot records the shape of its network (`NetworkShape`); an
 * algorithm's `restore` checks the snapshot against its own network and arrays (`checkSnapshotFits`:
 * algorithm, network shape, each array's name, dtype and length), so arrays of another network are
 * refused naming the difference, never loaded in part (`Optimizer.restoreArrays` checks its arrays too).
 * A snapshot holding NaN or infinite numbers is never written (`NonFiniteSnapshotError`) nor loaded.
 *
 * This is the one checkpoint format of the library; an `nn.Optimizer`'s `snapshotArrays()` are the
 * `arrays` of a snapshot.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export {
  type Snapshot,
  type NetworkShape,
  CheckpointMismatchError,
  checkSnapshotFits,
  mismatchInCheckpoint,
} from './snapshot';
import type { NetworkShape, Snapshot } from './snapshot';

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
  /** Length of arrays.bin in bytes (absent in checkpoints written before it was recorded). */
  bytes?: number;
  /** FNV-1a (32 bits, hex) of arrays.bin, and of this file's snapshot, trainer and array index. */
  checksum?: { arrays: string; state: string };
}

/** FNV-1a, 32 bits, as 8 hex digits: a checksum against damaged or edited files (not a cryptographic hash). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** What the state checksum covers: everything in state.json that loading uses. */
function stateDigest(state: Pick<StateFile, 'snapshot' | 'trainer' | 'arrays'>): string {
  return fnv1a(Buffer.from(JSON.stringify([state.snapshot, state.trainer, state.arrays]), 'utf8'));
}

/** Thrown by `saveCheckpoint` for a snapshot with NaN or infinite numbers: such a checkpoint is never written. */
export class NonFiniteSnapshotError extends Error {
  constructor(
    readonly array: string,
    readonly count: number,
    readonly index: number,
  ) {
    super(`${count} value(s) of array '${array}' are NaN or infinite (the first at index ${index})`);
  }
}

/** The first array of `snapshot` holding a NaN or an infinity, or null when every number is finite. */
export function firstNonFinite(arrays: Snapshot['arrays']): { array: string; count: number; index: number } | null {
  for (const [name, arr] of Object.entries(arrays)) {
    let count = 0;
    let index = -1;
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i])) {
        if (index < 0) index = i;
        count++;
      }
    }
    if (count) return { array: name, count, index };
  }
  return null;
}

export interface Checkpoint {
  /** The folder it was read from (after `findCheckpoint`: a run's `checkpoint/`, or a recovered copy). */
  dir: string;
  snapshot: Snapshot;
  /** What the trainer stored beside the algorithm (counters, EWMA, evaluation generator). */
  trainer: Record<string, unknown>;
}

export function saveCheckpoint(dir: string, snapshot: Snapshot, trainer: Record<string, unknown> = {}): void {
  const bad = firstNonFinite(snapshot.arrays);
  if (bad) throw new NonFiniteSnapshotError(bad.array, bad.count, bad.index);
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
  const bin = Buffer.concat(parts);
  const state: StateFile = { format: CHECKPOINT_FORMAT, savedAt: new Date().toISOString(), snapshot: rest, trainer, arrays: entries };
  let json: string;
  try {
    state.bytes = bin.length;
    state.checksum = { arrays: fnv1a(bin), state: stateDigest(state) };
    json = `${JSON.stringify(state, null, 1)}\n`;
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(`saveCheckpoint: the snapshot or trainer state is not JSON-serialisable (${why}); ${dir} is unchanged`);
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'arrays.bin'), bin);
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
  removeLeftovers(dir);
}

/** Whether process `pid` is running (a save of its own may be under way). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what saves of `dir` killed mid-way left beside it (`<dir>.tmp-<pid>`, `<dir>.old-<pid>`) by
 * processes no longer running, once a newer checkpoint is in place.
 */
function removeLeftovers(dir: string): void {
  const base = basename(dir);
  for (const f of readdirSync(dirname(dir))) {
    for (const kind of ['.tmp-', '.old-']) {
      const pid = f.startsWith(base + kind) ? f.slice(base.length + kind.length) : '';
      if (/^\d+$/.test(pid) && Number(pid) !== process.pid && !alive(Number(pid)))
        rmSync(join(dirname(dir), f), { recursive: true, force: true });
    }
  }
}

/**
 * A save interrupted between its two renames leaves no `<dir>`, the previous checkpoint moved aside
 * (`<dir>.old-<pid>`) and the new one complete in `<dir>.tmp-<pid>`. Returns, of those that load and
 * check out (checksums included), the one saved last (a temporary copy before an old one saved at the
 * same time: it was written in full before the first rename), or null.
 */
function movedAside(dir: string): string | null {
  if (!existsSync(dirname(dir))) return null;
  const names = readdirSync(dirname(dir));
  const candidates = [
    ...names.filter((f) => f.startsWith(`${basename(dir)}.tmp-`)),
    ...names.filter((f) => f.startsWith(`${basename(dir)}.old-`)),
  ].map((f) => join(dirname(dir), f));
  let best: { dir: string; savedAt: string } | null = null;
  for (const c of candidates) {
    if (!existsSync(join(c, 'state.json'))) continue;
    try {
      readCheckpoint(c);
      const savedAt = String(JSON.parse(readFileSync(join(c, 'state.json'), 'utf8')).savedAt ?? '');
      if (!best || savedAt > best.savedAt) best = { dir: c, savedAt };
    } catch {
      // incomplete or damaged: try the next
    }
  }
  return best?.dir ?? null;
}

/**
 * Reads the checkpoint in `dir` (a checkpoint folder, or a run folder holding `checkpoint/`). Refuses,
 * naming the file and what is wrong, a state.json that is not JSON or not of this format or was edited
 * (its checksum), an arrays.bin that is missing, shorter or longer than its index says, or damaged
 * (its checksum), and arrays holding NaN or infinities. A checkpoint whose save was interrupted between
 * its two renames is recovered (see `movedAside`) with a line on stderr saying so.
 */
export function loadCheckpoint(dir: string): Checkpoint {
  const found = findCheckpoint(dir);
  if (!found)
    throw new Error(`no checkpoint at ${dir}: expected ${join(dir, 'state.json')} (give the run folder or its checkpoint/ folder)`);
  if (found.recovered)
    console.error(
      `checkpoint: a save interrupted mid-swap left no ${found.recovered}, but a complete checkpoint in ${found.dir}; loading that one`,
    );
  return readCheckpoint(found.dir);
}

/**
 * Where the checkpoint of `dir` (a checkpoint folder, or a run folder holding `checkpoint/`) is: the
 * folder itself, its `checkpoint/`, or, after a save interrupted between its renames, the complete copy
 * it left beside (`recovered` names the folder that is missing). Null when there is none.
 */
export function findCheckpoint(dir: string): { dir: string; recovered?: string } | null {
  if (existsSync(join(dir, 'state.json'))) return { dir };
  const nested = join(dir, 'checkpoint');
  if (existsSync(join(nested, 'state.json'))) return { dir: nested };
  for (const missing of [nested, dir]) {
    if (existsSync(missing)) continue;
    const aside = movedAside(missing);
    if (aside) return { dir: aside, recovered: missing };
  }
  return null;
}

/**
 * Adds to a checkpoint written before they were recorded its byte length, its checksums and (given)
 * its network's shape, after checking that it loads as it is; state.json is rewritten in place (via a
 * temporary file), arrays.bin is untouched. Refuses a checkpoint that already has checksums.
 */
export function sealCheckpoint(dir: string, network?: NetworkShape): void {
  readCheckpoint(dir);
  const statePath = join(dir, 'state.json');
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  if (state.checksum) throw new Error(`sealCheckpoint: ${statePath} already has checksums`);
  if (network && !state.snapshot.network) state.snapshot.network = network;
  const bin = readFileSync(join(dir, 'arrays.bin'));
  state.bytes = bin.length;
  state.checksum = { arrays: fnv1a(bin), state: stateDigest(state) };
  const tmp = `${statePath}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, statePath);
  readCheckpoint(dir);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** What is wrong with the structure of a state.json (its snapshot, trainer state and array index), or null. */
function malformedState(state: StateFile): string | null {
  const s = state.snapshot as unknown as Record<string, unknown>;
  if (typeof s.algo !== 'string') return 'snapshot.algo is not a string';
  for (const key of ['config', 'counters', 'rngs'])
    if (!isObject(s[key])) return `snapshot.${key} is ${s[key] === undefined ? 'missing' : 'not an object'}`;
  for (const [k, v] of Object.entries(s.counters as object)) if (typeof v !== 'number') return `counter '${k}' is not a number`;
  for (const [k, v] of Object.entries(s.rngs as object))
    if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => Number.isInteger(x)))
      return `the state of random stream '${k}' is not 4 integers`;
  if (!isObject(state.trainer)) return `the trainer state is ${state.trainer === undefined ? 'missing' : 'not an object'}`;
  const names = new Set<string>();
  for (const [i, e] of state.arrays.entries()) {
    const entry = e as unknown as Record<string, unknown>;
    if (!isObject(entry) || typeof entry.name !== 'string') return `array index entry ${i} has no name`;
    if (names.has(entry.name)) return `array '${entry.name}' is indexed twice`;
    names.add(entry.name);
    if (entry.dtype !== 'float32' && entry.dtype !== 'float64')
      return `array '${entry.name}' has dtype ${JSON.stringify(entry.dtype)} (float32 or float64 expected)`;
    if (!isCount(entry.offset) || !isCount(entry.length))
      return `array '${entry.name}' has offset ${JSON.stringify(entry.offset)} and length ${JSON.stringify(entry.length)} (whole numbers expected)`;
  }
  return null;
}

/** What to do about a checkpoint whose files are damaged. */
const DAMAGED_ADVICE = 'the checkpoint cannot be used: resume from a copy of the run made before, or start a new run';

function readCheckpoint(dir: string): Checkpoint {
  const statePath = join(dir, 'state.json');
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  } catch (e) {
    throw new Error(`checkpoint file ${statePath} is not valid JSON (${(e as Error).message}); ${DAMAGED_ADVICE}`);
  }
  if (state.format !== CHECKPOINT_FORMAT)
    throw new Error(`${statePath}: unknown checkpoint format '${state.format}' (expected ${CHECKPOINT_FORMAT})`);
  const binPath = join(dir, 'arrays.bin');
  if (!existsSync(binPath)) throw new Error(`checkpoint ${dir}: arrays.bin is missing; ${DAMAGED_ADVICE}`);
  if (!Array.isArray(state.arrays) || typeof state.snapshot !== 'object' || state.snapshot === null)
    throw new Error(
      `${statePath}: not a complete checkpoint state (no array index or snapshot); the file is damaged, use another checkpoint`,
    );
  const malformed = malformedState(state);
  if (malformed) throw new Error(`${statePath} is damaged: ${malformed}; use another checkpoint (a checkpoint is not meant to be edited)`);
  if (state.checksum && stateDigest(state) !== state.checksum.state)
    throw new Error(
      `${statePath} was edited or damaged: its contents no longer match the checksum written with them. ` +
        'A checkpoint is not meant to be edited (to change settings, resume with --config, or start a new run).',
    );
  const bin = readFileSync(binPath);
  const needed = state.arrays.reduce((n, e) => Math.max(n, e.offset + e.length * (e.dtype === 'float64' ? 8 : 4)), 0);
  if (bin.length < needed) {
    const cut = state.arrays.find((e) => e.offset + e.length * (e.dtype === 'float64' ? 8 : 4) > bin.length);
    const where = cut
      ? ` (array '${cut.name}' is indexed at bytes ${cut.offset}-${cut.offset + cut.length * (cut.dtype === 'float64' ? 8 : 4)})`
      : '';
    throw new Error(
      `checkpoint file ${binPath} is truncated: ${bin.length} bytes, state.json indexes ${needed}${where}; ${DAMAGED_ADVICE}`,
    );
  }
  if (state.bytes !== undefined && bin.length !== state.bytes)
    throw new Error(
      `checkpoint file ${binPath} has ${bin.length} bytes, but was written with ${state.bytes}: it was damaged or replaced; ${DAMAGED_ADVICE}`,
    );
  if (state.checksum && fnv1a(bin) !== state.checksum.arrays)
    throw new Error(
      `checkpoint file ${binPath} is damaged: its checksum is ${fnv1a(bin)}, it was written with ${state.checksum.arrays} (the arrays do not belong to this state.json, or the file was altered); ${DAMAGED_ADVICE}`,
    );
  const arrays: Snapshot['arrays'] = {};
  for (const e of state.arrays) {
    const width = e.dtype === 'float64' ? 8 : 4;
    const copy = new ArrayBuffer(e.length * width);
    new Uint8Array(copy).set(bin.subarray(e.offset, e.offset + e.length * width));
    arrays[e.name] = e.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  }
  const bad = firstNonFinite(arrays);
  if (bad)
    throw new Error(
      `checkpoint ${dir}: ${bad.count} value(s) of array '${bad.array}' are NaN or infinite (the first at index ${bad.index}); it cannot be trained or evaluated, use an earlier checkpoint`,
    );
  return { dir, snapshot: { ...state.snapshot, arrays }, trainer: state.trainer };
}
