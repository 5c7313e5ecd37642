/**
 * Chooses and starts the TensorFlow.js backend, in one place.
 *
 * Order of preference: tfjs-node (native TensorFlow, when the optional package is installed), then
 * `wasm` (XNNPACK, shipped inside @tensorflow/tfjs-backend-wasm) completed with our kernels for training,
 * then `dojo-cpu` (tfjs's pure-JS cpu backend with our im2col/GEMM convolutions). The environment
 * variable GRADIENT_DOJO_BACKEND=node|wasm|cpu forces one; an unavailable forced backend is an error.
 *
 * On `wasm`, our SIMD products use fused multiply-add (WebAssembly relaxed SIMD: default from Node 22,
 * switched on at run time on Node 20): about 10-20% faster training. GRADIENT_DOJO_FMA=0 turns it off.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './kernels/wasm-kernels';
import { registerFastCpuBackend, FAST_CPU_BACKEND } from './kernels/cpu-kernels';
import { allowFusedMultiplyAdd, relaxedSimdAvailable } from './kernels/simd-kernels';

/** The backend families this project runs on. */
export type BackendKind = 'node' | 'wasm' | 'cpu';
const KINDS: readonly BackendKind[] = ['node', 'wasm', 'cpu'];

/** The tfjs backend names behind each kind. */
const TFJS_NAME: Record<BackendKind, string> = { node: 'tensorflow', wasm: 'wasm', cpu: FAST_CPU_BACKEND };

let chosen: { kind: BackendKind; detail: string } | null = null;
let starting: Promise<BackendKind> | null = null;
/** Why tfjs-node was not used when `ready()` chose automatically (null: it was, or it was not asked). */
let nodeSkipped: string | null = null;

/**
 * tfjs's stock `cpu` backend prints, on its first tensor, a banner telling Node users to "install our
 * node backend" — wrong here (the library chooses its backend and its kernels itself) and printed
 * whenever a tensor is made before `ready()`. The banner is switched off when this module loads;
 * `backendNotice()` says instead, in one line, which backend runs and how to get tfjs-node.
 */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}
silenceCpuBanner();

/** Loads tfjs-node if it is installed; returns why not otherwise. */
function loadNode(): string | null {
  try {
    // Optional dependency: it downloads libtensorflow at install time and is absent on most machines.
    require('@tensorflow/tfjs-node');
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/** The folder holding the .wasm binaries shipped in the npm package, independent of the working directory. */
export function wasmBinaryDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const dir = path.join(path.dirname(pkg), 'dist') + path.sep;
  if (!fs.existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) {
    throw new Error(`tfjs-backend-wasm binaries not found in ${dir}; reinstall @tensorflow/tfjs-backend-wasm`);
  }
  return dir;
}

/**
 * Node 20's V8 implements relaxed SIMD but keeps it behind a flag (it is on by default from V8 11.4 /
 * Node 22); the flag must be set before our kernels are compiled. GRADIENT_DOJO_FMA=0 keeps fused
 * multiply-add off (separate multiply and add, as on engines without relaxed SIMD).
 */
function requestRelaxedSimd(): void {
  const allowed = process.env.GRADIENT_DOJO_FMA !== '0';
  if (allowed) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // an engine without the flag: the kernels' validation decides
    }
  }
  allowFusedMultiplyAdd(allowed);
}

let wasmPrepared = false;
/** Loads the wasm backend package, points it at its binaries, and installs our kernels (idempotent). */
export function prepareWasm(): void {
  if (wasmPrepared) return;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmBinaryDir());
  // Single-threaded: the threaded build needs worker scripts that do not run under Node.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  requestRelaxedSimd();
  registerWasmKernels();
  wasmPrepared = true;
}

async function tryStart(kind: BackendKind): Promise<string | null> {
  if (kind === 'node') {
    const why = loadNode();
    if (why) return `@tensorflow/tfjs-node is not installed or failed to load (${why})`;
  } else if (kind === 'wasm') {
    try {
      prepareWasm();
    } catch (e) {
      return (e as Error).message;
    }
  } else {
    registerFastCpuBackend();
  }
  try {
    const ok = await tf.setBackend(TFJS_NAME[kind]);
    if (!ok) return `tf.setBackend('${TFJS_NAME[kind]}') failed`;
  } catch (e) {
    return `tf.setBackend('${TFJS_NAME[kind]}') failed: ${(e as Error).message}`;
  }
  await tf.ready();
  if (kind === 'cpu') {
    // The cpu backend prints a banner recommending tfjs-node on first use; describeBackend() says it instead.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  return null;
}

function requestedKind(): BackendKind | null {
  const raw = process.env.GRADIENT_DOJO_BACKEND;
  if (raw === undefined || raw === '') return null;
  const v = raw.trim().toLowerCase() as BackendKind;
  if (!KINDS.includes(v)) {
    throw new Error(`GRADIENT_DOJO_BACKEND=${raw} is not a backend: use one of ${KINDS.join(', ')} (or unset it to choose automatically)`);
  }
  return v;
}

async function start(): Promise<BackendKind> {
  const forced = requestedKind();
  const order = forced ? [forced] : KINDS;
  const failures: string[] = [];
  for (const kind of order) {
    const why = await tryStart(kind);
    if (kind === 'node') nodeSkipped = why;
    if (why === null) {
      chosen = { kind, detail: await detail(kind) };
      return kind;
    }
    failures.push(`${kind}: ${why}`);
  }
  throw new Error(
    forced
      ? `GRADIENT_DOJO_BACKEND=${forced} is unavailable: ${failures.join('; ')}`
      : `no TensorFlow.js backend could start: ${failures.join('; ')}`,
  );
}

async function detail(kind: BackendKind): Promise<string> {
  const version = tf.version.tfjs;
  if (kind === 'node') return `tfjs ${version}, backend node (native TensorFlow via @tensorflow/tfjs-node)`;
  if (kind === 'wasm') {
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
    const fma = relaxedSimdAvailable() ? ', fused multiply-add' : '';
    return `tfjs ${version}, backend wasm (XNNPACK, ${simd}, 1 thread) + gradient-dojo WebAssembly SIMD kernels${fma} (convolutions and their gradients, matrix products, bias sums, fused layers and LSTM, Adam)`;
  }
  return `tfjs ${version}, backend cpu (pure JavaScript) + gradient-dojo im2col/GEMM kernels for Conv2D and its gradients`;
}

/**
 * Starts the best available backend (or the one GRADIENT_DOJO_BACKEND forces) and resolves to its kind.
 * Call once before building models; later calls return the same answer.
 */
export function ready(): Promise<BackendKind> {
  if (chosen && tf.getBackend() === TFJS_NAME[chosen.kind]) return Promise.resolve(chosen.kind);
  if (!starting) {
    starting = start().finally(() => {
      starting = null;
    });
  }
  return starting;
}

/** Switches to a given backend kind (for benchmarks and tests); same errors as a forced `ready()`. */
export async function useBackend(kind: BackendKind): Promise<void> {
  const why = await tryStart(kind);
  if (why !== null) throw new Error(`backend ${kind} is unavailable: ${why}`);
  chosen = { kind, detail: await detail(kind) };
}

/** The kind of the running backend ('node', 'wasm' or 'cpu'); throws before `ready()`. */
export function backendName(): BackendKind {
  if (!chosen) throw new Error('no backend chosen yet: call `await nn.ready()` first');
  return chosen.kind;
}

/**
 * One line for a person setting up (printed by `npm install`, scripts/setup.mjs): which backend runs,
 * and, when the optional @tensorflow/tfjs-node did not load, why and how to get it. Call after `ready()`.
 */
export function backendNotice(): string {
  const kind = backendName();
  if (kind === 'node') return 'gradient-dojo: TensorFlow.js backend: node (native TensorFlow, from @tensorflow/tfjs-node)';
  const what =
    kind === 'wasm'
      ? "wasm (TensorFlow.js's WebAssembly backend with gradient-dojo's SIMD training kernels)"
      : "cpu (pure JavaScript with gradient-dojo's convolution kernels)";
  if (nodeSkipped === null)
    return `gradient-dojo: TensorFlow.js backend: ${what}, as GRADIENT_DOJO_BACKEND=${process.env.GRADIENT_DOJO_BACKEND} asks`;
  return (
    `gradient-dojo: TensorFlow.js backend: ${what}. ${nodeSkipped}; ` +
    'native TensorFlow, which the library prefers when it loads, is an optional extra: `npm install @tensorflow/tfjs-node` (it downloads libtensorflow when it installs)'
  );
}

/** One line saying which backend runs and with what, for the top of a notebook. */
export function describeBackend(): string {
  if (!chosen) throw new Error('no backend chosen yet: call `await nn.ready()` first');
  return chosen.detail;
}
