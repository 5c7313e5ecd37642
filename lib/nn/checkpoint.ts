/**
 * Checkpoints written with Node's fs alone (no tfjs-node): a folder holding
 *   meta.json       format, parameter layout, optimizer hyper-parameters and step, byte sizes and SHA-256
 *                   of the binary files, and the caller's metadata;
 *   weights.bin     every parameter, float32 little-endian, in the flat layout;
 *   optimizer.bin   Adam's first then second moments (when an optimizer is saved).
 *
 * Saving is atomic: everything is written and fsync'd in a sibling temporary folder, then swapped in by
 * renames, so a crash or error never leaves a half-written checkpoint where a good one was. Loading
 * verifies sizes, hashes and the layout before touching the model, and names the file and the mismatch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { ParamSet, ParamInfo } from './params';
import { sameLayout } from './params';
import type { Adam, AdamState } from './adam';

export const CHECKPOINT_FORMAT = 'gradient-dojo-nn-checkpoint';
export const CHECKPOINT_VERSION = 1;
const META = 'meta.json';
const WEIGHTS = 'weights.bin';
const OPTIMIZER = 'optimizer.bin';

interface FileRecord {
  bytes: number;
  sha256: string;
}

interface CheckpointMeta {
  format: string;
  version: number;
  savedAt: string;
  params: { name: string; shape: number[] }[];
  files: Record<string, FileRecord>;
  optimizer: Omit<AdamState, 'm' | 'v'> | null;
  metadata: unknown;
}

/** What `loadCheckpoint` returns besides filling the model (and optimizer). */
export interface LoadedCheckpoint {
  metadata: unknown;
  savedAt: string;
  optimizerStep: number | null;
  /** The folder actually read (the previous one when a swap was interrupted). */
  dir: string;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function toBytes(a: Float32Array): Buffer {
  // The flat arrays are host-endian; checkpoints are little-endian (every platform Node runs on here).
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('checkpoints need a little-endian host');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function writeSynced(file: string, data: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. some network filesystems); the renames still order.
  }
}

/**
 * Saves the model's weights, optionally the optimizer state, and a JSON-serialisable `metadata` blob to
 * folder `dir`, replacing any checkpoint there only once the new one is complete on disk.
 */
export function saveCheckpoint(dir: string, params: ParamSet, opts: { optimizer?: Adam; metadata?: unknown } = {}): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const previous = `${target}.previous`;
  fs.mkdirSync(tmp);
  try {
    const weights = toBytes(params.getFlat());
    const files: Record<string, FileRecord> = {};
    writeSynced(path.join(tmp, WEIGHTS), weights);
    files[WEIGHTS] = { bytes: weights.length, sha256: sha256(weights) };
    let optimizer: CheckpointMeta['optimizer'] = null;
    if (opts.optimizer) {
      const st = opts.optimizer.getState();
      const moments = new Float32Array(st.m.length * 2);
      moments.set(st.m, 0);
      moments.set(st.v, st.m.length);
      const bytes = toBytes(moments);
      writeSynced(path.join(tmp, OPTIMIZER), bytes);
      files[OPTIMIZER] = { bytes: bytes.length, sha256: sha256(bytes) };
      optimizer = { step: st.step, options: st.options };
    }
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      savedAt: new Date().toISOString(),
      params: params.layout.map((p) => ({ name: p.name, shape: [...p.shape] })),
      files,
      optimizer,
      metadata: opts.metadata ?? null,
    };
    let json: string;
    try {
      json = JSON.stringify(meta, null, 2);
    } catch (e) {
      throw new Error(`saveCheckpoint: metadata is not JSON-serialisable (${(e as Error).message})`);
    }
    writeSynced(path.join(tmp, META), json + '\n');
    fsyncDir(tmp);
    // Swap: target -> previous, tmp -> target, then drop previous. A crash in between leaves either the
    // old checkpoint at `target` or it at `previous` (which loadCheckpoint falls back to).
    fs.rmSync(previous, { recursive: true, force: true });
    if (fs.existsSync(target)) fs.renameSync(target, previous);
    fs.renameSync(tmp, target);
    fsyncDir(parent);
    fs.rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function readChecked(dir: string, name: string, record: FileRecord | undefined): Buffer {
  const file = path.join(dir, name);
  if (!record) throw new Error(`checkpoint ${dir}: ${META} lists no ${name}`);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${dir}: ${name} is missing`);
  const data = fs.readFileSync(file);
  if (data.length !== record.bytes) {
    throw new Error(`checkpoint file ${file} is truncated or corrupted: ${data.length} bytes, ${META} says ${record.bytes}`);
  }
  if (sha256(data) !== record.sha256) throw new Error(`checkpoint file ${file} is corrupted: its SHA-256 does not match ${META}`);
  return data;
}

function asFloat32(data: Buffer): Float32Array {
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return new Float32Array(copy.buffer);
}

function describeLayout(l: readonly { name: string; shape: readonly number[] }[]): string {
  return l.map((p) => `${p.name}[${p.shape.join('x')}]`).join(', ');
}

/**
 * Loads a checkpoint saved by `saveCheckpoint` into `params` (and `optimizer` when given and saved).
 * Everything is validated first: on any error the model and optimizer are unchanged.
 */
export function loadCheckpoint(dir: string, params: ParamSet, opts: { optimizer?: Adam } = {}): LoadedCheckpoint {
  let folder = path.resolve(dir);
  if (!fs.existsSync(folder) && fs.existsSync(`${folder}.previous`)) folder = `${folder}.previous`;
  if (!fs.existsSync(folder)) throw new Error(`no checkpoint at ${path.resolve(dir)}`);
  const metaFile = path.join(folder, META);
  if (!fs.existsSync(metaFile)) throw new Error(`checkpoint ${folder}: ${META} is missing`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CheckpointMeta;
  } catch (e) {
    throw new Error(`checkpoint file ${metaFile} is not valid JSON (${(e as Error).message})`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new Error(`checkpoint file ${metaFile}: format is ${meta.format}, expected ${CHECKPOINT_FORMAT}`);
  if (meta.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint file ${metaFile}: version ${meta.version}, this code reads ${CHECKPOINT_VERSION}`);
  const saved: ParamInfo[] = [];
  let offset = 0;
  for (const p of meta.params ?? []) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    saved.push({ name: p.name, shape: p.shape, offset, size });
    offset += size;
  }
  if (!sameLayout(saved, params.layout)) {
    throw new Error(
      `checkpoint ${folder} does not match the model: ${META} has ${describeLayout(saved)}; the model has ${describeLayout(params.layout)}`,
    );
  }
  const weights = asFloat32(readChecked(folder, WEIGHTS, meta.files?.[WEIGHTS]));
  if (weights.length !== params.size) {
    throw new Error(`checkpoint file ${path.join(folder, WEIGHTS)} holds ${weights.length} values, the model has ${params.size}`);
  }
  let optState: AdamState | null = null;
  if (opts.optimizer) {
    if (!meta.optimizer) throw new Error(`checkpoint ${folder} has no optimizer state (it was saved without an optimizer)`);
    const moments = asFloat32(readChecked(folder, OPTIMIZER, meta.files?.[OPTIMIZER]));
    if (moments.length !== 2 * params.size) {
      throw new Error(`checkpoint file ${path.join(folder, OPTIMIZER)} holds ${moments.length} values, expected ${2 * params.size}`);
    }
    optState = { step: meta.optimizer.step, options: meta.optimizer.options, m: moments.subarray(0, params.size), v: moments.subarray(params.size) };
  }
  params.setFlat(weights);
  if (opts.optimizer && optState) opts.optimizer.setState(optState);
  return { metadata: meta.metadata, savedAt: meta.savedAt, optimizerStep: meta.optimizer?.step ?? null, dir: folder };
}
