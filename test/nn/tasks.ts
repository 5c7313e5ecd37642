/** Small supervised tasks, one per model, shared by the nn tests. Each returns a loss closure and data. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/util/rng';
import * as nn from '../../lib/nn';

export interface Task {
  name: string;
  model: nn.Model;
  /** The loss of one batch; call inside Optimizer.minimize. */
  loss: () => tf.Scalar;
  dispose(): void;
}

function tensorOf(rng: Rng, shape: number[], f: (rng: Rng) => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f(rng);
  return tf.tensor(a, shape);
}

/** Cross-entropy of logits [B, n] against integer labels. */
function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.neg(tf.mean(nn.logProb(logits, labels))) as tf.Scalar;
}

/** Classify the sign of obs[0] + obs[2] (CartPole-sized inputs). */
export function policyTask(
  batch: number,
  seed: number,
  factory: (seed: number) => nn.PolicyMlp = (s) => nn.cartPolePolicy({ seed: s }),
): Task {
  const model = factory(seed);
  const rng = new Rng(seed + 100);
  const x = tensorOf(rng, [batch, 4], (r) => r.range(-1, 1));
  const xs = x.dataSync();
  const labels = Int32Array.from({ length: batch }, (_, i) => (xs[i * 4] + xs[i * 4 + 2] > 0 ? 1 : 0));
  return {
    name: 'policy MLP',
    model,
    loss: () => crossEntropy(model.logits(x), labels),
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

/** Regress 0.5 * sum(obs). */
export function criticTask(batch: number, seed: number): Task {
  const model = nn.criticMlp({ obsSize: 4, seed });
  const rng = new Rng(seed + 200);
  const x = tensorOf(rng, [batch, 4], (r) => r.range(-1, 1));
  const y = tf.tidy(() => tf.mul(tf.sum(x, 1), 0.5));
  return {
    name: 'critic MLP',
    model,
    loss: () => tf.tidy(() => tf.mean(tf.square(tf.sub(model.value(x), y))) as tf.Scalar),
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

/** Frames [B, h, w, 4] with a bright 6x6 patch in the left or right half: classify the side, regress it as the value. */
function patchFrames(rng: Rng, batch: number, shape: readonly [number, number, number]): { x: tf.Tensor; side: Int32Array } {
  const [h, w, c] = shape;
  const data = new Float32Array(batch * h * w * c);
  const side = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    side[b] = rng.int(2);
    const top = rng.int(h - 6);
    const left = side[b] === 0 ? rng.int(w / 2 - 6) : w / 2 + rng.int(w / 2 - 6);
    for (let i = 0; i < h * w * c; i++) data[b * h * w * c + i] = 0.1 * rng.uniform();
    for (let y = top; y < top + 6; y++)
      for (let x0 = left; x0 < left + 6; x0++) for (let k = 0; k < c; k++) data[((b * h + y) * w + x0) * c + k] = 1;
  }
  return { x: tf.tensor(data, [batch, h, w, c]), side };
}

export function a3cTask(batch: number, seed: number): Task {
  const model = nn.a3cNet({ nActions: 2, seed });
  const { x, side } = patchFrames(new Rng(seed + 300), batch, [42, 42, 4]);
  const target = tf.tensor1d(Float32Array.from(side));
  return {
    name: 'A3C conv net',
    model,
    loss: () =>
      tf.tidy(() => {
        const { logits, value } = model.forward(x);
        return tf.add(crossEntropy(logits, side), tf.mean(tf.square(tf.sub(value, target)))) as tf.Scalar;
      }),
    dispose: () => {
      tf.dispose([x, target]);
      model.dispose();
    },
  };
}

/**
 * Memory task for the LSTM agent: only the first of T frames shows the patch; the policy must name the
 * side at the last step (through the recurrent state) and the value regress it at every step.
 */
export function recurrentTask(batch: number, steps: number, seed: number, size: { units?: number; hidden?: number } = {}): Task {
  const model = nn.recurrentAgent({ nActions: 2, seed, ...size });
  const { x: first, side } = patchFrames(new Rng(seed + 400), batch, [42, 42, 4]);
  const blank = tf.zeros([steps - 1, batch, 42, 42, 4]);
  const obs = tf.concat([tf.expandDims(first, 0), blank], 0);
  const target = tf.tensor1d(Float32Array.from(side));
  return {
    name: 'LSTM agent',
    model,
    loss: () =>
      tf.tidy(() => {
        const state = model.initialState(batch);
        const { logits, values } = model.rollout(state, obs);
        const last = tf.reshape(tf.slice(logits, [steps - 1, 0, 0], [1, batch, 2]), [batch, 2]) as tf.Tensor2D;
        const valueLoss = tf.mean(tf.square(tf.sub(values, target)));
        return tf.add(crossEntropy(last, side), valueLoss) as tf.Scalar;
      }),
    dispose: () => {
      tf.dispose([first, blank, obs, target]);
      model.dispose();
    },
  };
}

/** The recurrent task written with explicit `step` calls (truncated BPTT over the rollout). */
export function recurrentStepTask(batch: number, steps: number, seed: number, size: { units?: number; hidden?: number } = {}): Task {
  const task = recurrentTask(batch, steps, seed, size);
  const model = task.model as nn.RecurrentAgent;
  const { x: first, side } = patchFrames(new Rng(seed + 400), batch, [42, 42, 4]);
  const blank = tf.zeros([batch, 42, 42, 4]);
  return {
    name: 'LSTM agent (step)',
    model,
    loss: () =>
      tf.tidy(() => {
        let state = model.initialState(batch);
        let logits: tf.Tensor2D | null = null;
        for (let t = 0; t < steps; t++) {
          const r = model.step(state, t === 0 ? first : blank);
          state = r.state;
          logits = r.logits;
        }
        return crossEntropy(logits!, side);
      }),
    dispose: () => {
      tf.dispose([first, blank]);
      task.dispose();
    },
  };
}
