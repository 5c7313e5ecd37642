import type { A3CWorker, SharedWeights, WorkerRollout } from '../../../lib/algos/a3c/step';
import type { Mutants } from './types';

type Returns = (r: number[][], d: boolean[][], b: number[], g: number) => number[][];
const minusValues = (targets: number[][], ro: WorkerRollout) => targets.map((row, t) => row.map((x, n) => x - ro.values[t][n]));

export const mutants: Mutants = {
  tdTargets: [
    { why: 'bootstraps through episode ends', fn: (r: number[], v: number[], _d: boolean[], g: number) => r.map((x, i) => x + g * v[i]) },
    {
      why: 'zeroes the reward too at episode ends',
      fn: (r: number[], v: number[], d: boolean[], g: number) => r.map((x, i) => (d[i] ? 0 : x + g * v[i])),
    },
    {
      why: 'writes the targets into rewards',
      fn: (r: number[], v: number[], d: boolean[], g: number) => {
        r.forEach((x, i) => {
          r[i] = x + (d[i] ? 0 : g * v[i]);
        });
        return r;
      },
    },
  ],
  nStepReturns: [
    {
      why: 'no done mask',
      fn: (r: number[][], _d: boolean[][], b: number[], g: number) => {
        const out: number[][] = [];
        let acc = b.slice();
        for (let t = r.length - 1; t >= 0; t--) out[t] = acc = acc.map((x, k) => r[t][k] + g * x);
        return out;
      },
    },
    {
      why: 'batch-major output',
      fn: (r: number[][], d: boolean[][], b: number[], g: number) =>
        b.map((boot, k) => {
          const col: number[] = [];
          let acc = boot;
          for (let t = r.length - 1; t >= 0; t--) col[t] = acc = r[t][k] + (d[t][k] ? 0 : g * acc);
          return col;
        }),
    },
    {
      why: 'starts from zero',
      fn: (r: number[][], d: boolean[][], b: number[], g: number) => {
        const out: number[][] = [];
        let acc = b.map(() => 0);
        for (let t = r.length - 1; t >= 0; t--) out[t] = acc = acc.map((x, k) => r[t][k] + (d[t][k] ? 0 : g * x));
        return out;
      },
    },
    {
      why: 'accumulates in the bootstrap array',
      fn: (r: number[][], d: boolean[][], b: number[], g: number) => {
        const out: number[][] = [];
        for (let t = r.length - 1; t >= 0; t--) {
          b.forEach((x, k) => {
            b[k] = r[t][k] + (d[t][k] ? 0 : g * x);
          });
          out[t] = b.slice();
        }
        return out;
      },
    },
  ],
  a3cWorkerStep: [
    {
      why: 'never pulls',
      fn: (ro: WorkerRollout, w: A3CWorker, s: SharedWeights, g: number, ret: Returns) => {
        const G = ret(ro.rewards, ro.dones, ro.bootstrap, g);
        s.apply(w.gradient(ro, G, minusValues(G, ro)));
      },
    },
    {
      why: 'pulls before applying',
      fn: (ro: WorkerRollout, w: A3CWorker, s: SharedWeights, g: number, ret: Returns) => {
        const G = ret(ro.rewards, ro.dones, ro.bootstrap, g);
        const grad = w.gradient(ro, G, minusValues(G, ro));
        w.pull(s.params);
        s.apply(grad);
      },
    },
    {
      why: 'advantages without the baseline',
      fn: (ro: WorkerRollout, w: A3CWorker, s: SharedWeights, g: number, ret: Returns) => {
        const G = ret(ro.rewards, ro.dones, ro.bootstrap, g);
        s.apply(w.gradient(ro, G, G));
        w.pull(s.params);
      },
    },
    {
      why: 'own targets that run through episode ends',
      fn: (ro: WorkerRollout, w: A3CWorker, s: SharedWeights, g: number) => {
        const G: number[][] = [];
        let acc = ro.bootstrap.slice();
        for (let t = ro.T - 1; t >= 0; t--) G[t] = acc = acc.map((x, n) => ro.rewards[t][n] + g * x);
        s.apply(w.gradient(ro, G, minusValues(G, ro)));
        w.pull(s.params);
      },
    },
    {
      why: 'applies the gradient twice',
      fn: (ro: WorkerRollout, w: A3CWorker, s: SharedWeights, g: number, ret: Returns) => {
        const G = ret(ro.rewards, ro.dones, ro.bootstrap, g);
        const grad = w.gradient(ro, G, minusValues(G, ro));
        s.apply(grad);
        s.apply(grad);
        w.pull(s.params);
      },
    },
  ],
};
