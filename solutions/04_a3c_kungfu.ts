// Solutions of "Chapter 4 — A3C on Kung-Fu Master" (generated from chapters/04_a3c_kungfu.ts by scripts/build-chapters.ts).

import * as tf from '@tensorflow/tfjs';

/** Luma of every pixel of interleaved R,G,B bytes, scaled to [0, 1]. */
export function grayscale(rgb: Uint8Array): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    out[i] = (0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]) / 255;
  }
  return out;
}

/** Side length after a convolution (padding on both sides, default 0). */
export function convOutputSize(size: number, kernel: number, stride: number, padding = 0): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** r + gamma * V(s') * (1 - done), one target per environment of the batch. */
export function tdTargets(rewards: number[], nextValues: number[], dones: boolean[], gamma: number): number[] {
  return rewards.map((r, i) => r + (dones[i] ? 0 : gamma * nextValues[i]));
}

/** n-step returns, time-major [T][B], bootstrapped from the critic and cut at episode ends. */
export function nStepReturns(rewards: number[][], dones: boolean[][], bootstrap: number[], gamma: number): number[][] {
  const returns: number[][] = new Array(rewards.length);
  let next = bootstrap.slice();
  for (let t = rewards.length - 1; t >= 0; t--) {
    next = next.map((g, b) => rewards[t][b] + (dones[t][b] ? 0 : gamma * g));
    returns[t] = next;
  }
  return returns;
}
