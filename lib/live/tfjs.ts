/**
 * What the live book's bundle takes for '@tensorflow/tfjs' (scripts/build-live.mjs aliases it): the
 * umbrella package's core parts (tfjs-core with its gradients and chained ops, and the cpu backend),
 * without its WebGL backend, layers, converter and data APIs (about 0.7 MB minified), which the library
 * does not use. The wasm backend is imported where it is started (lib/nn/browser-backend.ts).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-backend-cpu';
