import * as tf from '@tensorflow/tfjs';

const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/** The same values, treated as a constant by gradients (tfjs has no stop_gradient/detach of its own). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
