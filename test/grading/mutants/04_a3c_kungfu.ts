import type { Mutants } from './types';

export const mutants: Mutants = {
  convOutputSize: [
    { why: 'ceil', fn: (n: number, k: number, s: number, p = 0) => Math.ceil((n + 2 * p - k) / s) + 1 },
    { why: 'no +1', fn: (n: number, k: number, s: number, p = 0) => Math.floor((n + 2 * p - k) / s) },
    { why: 'padding ignored', fn: (n: number, k: number, s: number) => Math.floor((n - k) / s) + 1 },
  ],
  grayscale: [
    { why: 'BGR weights on RGB data', fn: (rgb: Uint8Array) => Float32Array.from({ length: rgb.length / 3 }, (_, i) => (0.114 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.299 * rgb[3 * i + 2]) / 255) },
    { why: 'plain average', fn: (rgb: Uint8Array) => Float32Array.from({ length: rgb.length / 3 }, (_, i) => (rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2]) / 765) },
    { why: 'one value per byte', fn: (rgb: Uint8Array) => Float32Array.from(rgb, (x) => x / 255) },
  ],
  tdTargets: [
    { why: 'bootstraps through episode ends', fn: (r: number[], v: number[], _d: boolean[], g: number) => r.map((x, i) => x + g * v[i]) },
    { why: 'zeroes the reward too at episode ends', fn: (r: number[], v: number[], d: boolean[], g: number) => r.map((x, i) => (d[i] ? 0 : x + g * v[i])) },
  ],
  nStepReturns: [
    { why: 'no done mask', fn: (r: number[][], _d: boolean[][], b: number[], g: number) => { const out: number[][] = []; let acc = b.slice(); for (let t = r.length - 1; t >= 0; t--) out[t] = acc = acc.map((x, k) => r[t][k] + g * x); return out; } },
    { why: 'batch-major output', fn: (r: number[][], d: boolean[][], b: number[], g: number) => b.map((boot, k) => { const col: number[] = []; let acc = boot; for (let t = r.length - 1; t >= 0; t--) col[t] = acc = r[t][k] + (d[t][k] ? 0 : g * acc); return col; }) },
    { why: 'starts from zero', fn: (r: number[][], d: boolean[][], b: number[], g: number) => { const out: number[][] = []; let acc = b.map(() => 0); for (let t = r.length - 1; t >= 0; t--) out[t] = acc = acc.map((x, k) => r[t][k] + (d[t][k] ? 0 : g * x)); return out; } },
  ],
};
