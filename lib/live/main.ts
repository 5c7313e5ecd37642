/**
 * The live book's browser entry (scripts/build-live.mjs bundles it, with everything it imports from
 * lib/, into site/assets/gradient-dojo-live.js, loaded as the global `GradientDojoLive`). On load it
 * mounts every widget of the page: `<div data-live="cartpole">` (lib/live/cartpole-widget.ts) and
 * `<div data-live="kungfu">` (lib/live/kungfu-widget.ts). Data that cannot be fetched from a page
 * opened as a file comes in globals set by scripts beside the bundle: `GradientDojoWasm` (tfjs's SIMD
 * wasm binary, base64; assets/tfjs-wasm.js) and `GradientDojoKungFuAgent` (assets/kungfu-agent.js).
 */
import { readyInBrowser } from '../nn/browser-backend';
import { mountCartPole } from './cartpole-widget';
import { frameHashes as hashFrames } from './frame-hashes';
import { mountKungFu, type ShippedAgent } from './kungfu-widget';
import { loadRom } from './roms';

interface LiveGlobals {
  GradientDojoWasm?: string;
  GradientDojoKungFuAgent?: ShippedAgent;
}

const globals = globalThis as unknown as LiveGlobals;

/** Starts TensorFlow.js once, for every widget of the page; resolves to one line naming the backend. */
export function backend(): Promise<string> {
  return readyInBrowser({ simdWasmBase64: globals.GradientDojoWasm });
}

/** Mounts the widgets found under `root` (each once). */
export function mountAll(root: ParentNode = document): void {
  for (const node of Array.from(root.querySelectorAll<HTMLElement>('[data-live]'))) {
    if (node.dataset.liveMounted) continue;
    node.dataset.liveMounted = '1';
    const kind = node.dataset.live;
    if (kind === 'cartpole') mountCartPole(node, backend);
    else if (kind === 'kungfu') mountKungFu(node, backend, globals.GradientDojoKungFuAgent ?? null);
    else {
      node.dataset.status = 'error';
      node.textContent = `unknown live widget '${kind}' (known: cartpole, kungfu)`;
    }
  }
}

/** Frame hashes of the ROM the reader supplied (see frame-hashes.ts), for checking the emulator against Node's. */
export function frameHashes(actions: number[]): string[] {
  return hashFrames(loadRom('kung_fu_master'), actions);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => mountAll());
  else mountAll();
}
