/**
 * The TensorFlow.js backend in a web browser (the live book, lib/live/): tfjs's `wasm` backend with the
 * library's WebAssembly SIMD kernels, as in Node (backend.ts), else `dojo-cpu` (tfjs's cpu backend with
 * our convolution kernels).
 *
 * A page opened from `file://` may not fetch a file beside it, so the wasm binary cannot be loaded the
 * usual way (setWasmPaths with a folder): the page passes its bytes (the site's assets/tfjs-wasm.js holds
 * them in base64), and tfjs loads them from a `data:` URL, which any page may fetch. Only the SIMD binary
 * is shipped: every browser with WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4 and later) runs it;
 * the others get the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFastCpuBackend, FAST_CPU_BACKEND } from './kernels/cpu-kernels';
import { relaxedSimdAvailable } from './kernels/simd-kernels';
import { registerWasmKernels } from './kernels/wasm-kernels';

/** The name of tfjs's SIMD wasm binary, the one `simdWasmBase64` holds. */
export const SIMD_WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

export interface BrowserBackendOptions {
  /** tfjs-backend-wasm's SIMD binary, base64 (absent: the cpu backend). */
  simdWasmBase64?: string;
  /** 'cpu' skips the wasm backend. */
  prefer?: 'wasm' | 'cpu';
}

let started: Promise<string> | null = null;

async function startWasm(base64: string): Promise<void> {
  const url = `data:application/wasm;base64,${base64}`;
  // tfjs picks a binary by the features it detects; every name points at the one shipped, and the
  // threaded build is never asked for (it needs worker scripts and cross-origin isolation).
  setWasmPaths({ 'tfjs-backend-wasm.wasm': url, [SIMD_WASM_FILE]: url, 'tfjs-backend-wasm-threaded-simd.wasm': url });
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('this browser has no WebAssembly SIMD');
  registerWasmKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
  await tf.ready();
}

async function start(opts: BrowserBackendOptions): Promise<string> {
  let why = 'not asked for';
  if (opts.prefer !== 'cpu' && opts.simdWasmBase64) {
    try {
      await startWasm(opts.simdWasmBase64);
      const fma = relaxedSimdAvailable() ? ', fused multiply-add' : '';
      return `tfjs ${tf.version_core}, backend wasm (XNNPACK, SIMD, 1 thread) + gradient-dojo WebAssembly SIMD kernels${fma}`;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
  } else if (opts.prefer !== 'cpu') {
    why = 'no wasm binary given';
  }
  registerFastCpuBackend();
  if (!(await tf.setBackend(FAST_CPU_BACKEND))) throw new Error(`no TensorFlow.js backend could start (wasm: ${why}; cpu failed too)`);
  await tf.ready();
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return `tfjs ${tf.version_core}, backend cpu (pure JavaScript) + gradient-dojo convolution kernels (wasm: ${why})`;
}

/** Starts the backend once; resolves to one line saying which runs (later calls return the same). */
export function readyInBrowser(opts: BrowserBackendOptions = {}): Promise<string> {
  if (!started) started = start(opts);
  return started;
}
