/** Calling a learner's TensorFlow.js function safely: builds inputs, reads outputs and gradients, counts leaks. */
import * as tf from '@tensorflow/tfjs';
import { GradientError, LeakError, ShapeError } from './types';
import { describeKind } from './compare';

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** Runs `body` and fails with a LeakError when it leaves tensors behind. `body` must dispose what it builds. */
export function withoutLeaks<T>(fnName: string, body: () => T): T {
  const before = tf.memory().numTensors;
  const out = body();
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) {
    throw new LeakError(
      `${fnName} left ${leaked} tensor(s) allocated after it returned. Wrap the intermediate steps in ` +
        'tf.tidy(() => ...) (or dispose() what you create) so that only the returned tensor survives.',
    );
  }
  return out;
}

export function expectScalar(fnName: string, out: unknown): tf.Scalar {
  if (!isTensor(out)) throw new ShapeError(`${fnName} should return a scalar tf.Tensor, but it returned ${describeKind(out)}.`);
  if (out.rank !== 0) {
    throw new ShapeError(
      `${fnName} should return a scalar (rank 0) tensor, but it returned shape [${out.shape}]. ` +
        'Reduce over every axis (tf.sum / tf.mean) before returning.',
    );
  }
  return out as tf.Scalar;
}

export function expectTensorShape(fnName: string, what: string, out: unknown, shape: number[]): tf.Tensor {
  if (!isTensor(out)) throw new ShapeError(`${fnName}: ${what} should be a tf.Tensor of shape [${shape}], but it is ${describeKind(out)}.`);
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${fnName}: ${what} should have shape [${shape}], but it has shape [${out.shape}].`);
  }
  return out;
}

/**
 * Evaluates a scalar loss built by `fn` from the given input tensors, and its gradient with respect to
 * each of them. Everything it creates is disposed; the learner's function must not leak.
 */
export function lossAndGrads(
  fnName: string,
  inputs: { name: string; value: tf.TensorLike; shape: number[]; detachedHint?: string }[],
  call: (...xs: tf.Tensor[]) => unknown,
): { value: number; grads: Record<string, unknown> } {
  return withoutLeaks(fnName, () => {
    const xs = inputs.map((i) => tf.tensor(i.value as number[], i.shape, 'float32'));
    try {
      let value = NaN;
      const forward = (...args: tf.Tensor[]): tf.Scalar => {
        const out = expectScalar(fnName, call(...args));
        return out;
      };
      // Forward pass first, outside the gradient tape, so that a leak or wrong shape is reported plainly.
      const before = tf.memory().numTensors;
      const outTensor = forward(...xs);
      value = outTensor.dataSync()[0];
      const created = tf.memory().numTensors - before;
      outTensor.dispose();
      if (created > 1) {
        throw new LeakError(
          `${fnName} left ${created - 1} intermediate tensor(s) allocated besides the loss it returned. ` +
            'Wrap the computation in tf.tidy(() => ...) so only the returned tensor survives.',
        );
      }
      let grads: tf.Tensor[];
      try {
        grads = tf.tidy(() => tf.grads((...args: tf.Tensor[]) => forward(...args))(xs));
      } catch (e) {
        if (!(e instanceof Error && /Cannot compute gradient/.test(e.message))) throw e;
        throw new GradientError(detachedInputs(fnName, inputs, xs, forward));
      }
      const out: Record<string, unknown> = {};
      inputs.forEach((inp, k) => {
        out[inp.name] = grads[k].arraySync();
      });
      tf.dispose(grads);
      return { value, grads: out };
    } finally {
      tf.dispose(xs);
    }
  });
}

/** Which inputs no gradient reaches (each tried alone), in words. */
function detachedInputs(
  fnName: string,
  inputs: { name: string; detachedHint?: string }[],
  xs: tf.Tensor[],
  forward: (...args: tf.Tensor[]) => tf.Scalar,
): string {
  const cut: string[] = [];
  inputs.forEach((inp, k) => {
    try {
      tf.tidy(() => tf.grad((x: tf.Tensor) => forward(...xs.map((y, j) => (j === k ? x : y))))(xs[k]));
    } catch {
      const hint =
        inp.detachedHint ??
        `no gradient reaches \`${inp.name}\` from the loss: did you detach it ` +
          '(numbers read with dataSync or arraySync, or tf.tensor(x.dataSync())) or leave it out?';
      cut.push(hint);
    }
  });
  return `${fnName}: ${cut.length ? cut.join(' ') : 'the loss does not depend on its tensor inputs.'}`;
}

export { tf };

/** The identity whose gradient is zero: the value flows forward, no gradient flows back. */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(x: T) => T;
