/**
 * The small network shapes the algorithms train, written with plain tfjs ops over variables, with
 * every parameter initialised from a seeded `Rng` (so a run is reproducible from its seed alone) and
 * all parameters reachable as one flat Float32Array (see `optim.ts`).
 *
 *  - `mlpPolicy`: obs -> hidden (ReLU) -> logits                (REINFORCE on CartPole)
 *  - `mlpValue`:  obs -> hidden (ReLU) -> V(s)                  (the separate critic of A2C)
 *  - `mlpActorCritic`: obs -> shared hidden -> logits and V(s)  (shared-trunk A2C)
 *  - `convActorCritic`: [42,42,4] -> 3 x conv 3x3 stride 2 (32) -> dense 128 -> logits and V(s)
 *    (the network of the Kung-Fu A3C notebook)
 *  - `lstmActorCritic`: conv trunk -> dense -> LSTM cell -> logits and V(s) (the recurrent agent)
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng';

/** Anything with trainable variables, listed in a fixed order (the flat layout follows it). */
export interface Net {
  readonly variables: tf.Variable[];
}

export interface PolicyNet extends Net {
  /** [B, ...obsShape] -> logits [B, A]. */
  logits(obs: tf.Tensor): tf.Tensor2D;
}

export interface ValueNet extends Net {
  /** [B, ...obsShape] -> V(s) [B]. */
  value(obs: tf.Tensor): tf.Tensor1D;
}

export interface ActorCriticNet extends Net {
  forward(obs: tf.Tensor): { logits: tf.Tensor2D; value: tf.Tensor1D };
}

/** LSTM memory for a batch: hidden and cell state, each [B, units]. */
export interface LstmMemory {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

export interface RecurrentActorCriticNet extends Net {
  readonly units: number;
  initialState(batch: number): LstmMemory;
  step(memory: LstmMemory, obs: tf.Tensor): { memory: LstmMemory; logits: tf.Tensor2D; value: tf.Tensor1D };
}

let nameCounter = 0;
function variable(values: Float32Array, shape: number[], name: string): tf.Variable {
  return tf.variable(tf.tensor(values, shape), true, `${name}_${nameCounter++}`);
}

/** Uniform(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)) (Glorot), scaled by `gain`. */
function glorot(rng: Rng, shape: number[], fanIn: number, fanOut: number, gain = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(-limit, limit);
  return out;
}

interface Dense { w: tf.Variable; b: tf.Variable }

function dense(rng: Rng, inSize: number, outSize: number, name: string, gain = 1): Dense {
  return {
    w: variable(glorot(rng, [inSize, outSize], inSize, outSize, gain), [inSize, outSize], `${name}_w`),
    b: variable(new Float32Array(outSize), [outSize], `${name}_b`),
  };
}

function applyDense(layer: Dense, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, layer.w), layer.b);
}

function flatten2d(obs: tf.Tensor): tf.Tensor2D {
  return obs.rank === 2 ? (obs as tf.Tensor2D) : obs.reshape([obs.shape[0], -1]);
}

/** obs -> hidden (ReLU) -> logits. The policy network of the REINFORCE lesson (one hidden layer of 128). */
export function mlpPolicy(obsSize: number, nActions: number, rng: Rng, hidden = 128): PolicyNet {
  const l1 = dense(rng, obsSize, hidden, 'pi1');
  const l2 = dense(rng, hidden, nActions, 'pi2', 0.1);
  return {
    variables: [l1.w, l1.b, l2.w, l2.b],
    logits: (obs) => applyDense(l2, tf.relu(applyDense(l1, flatten2d(obs)))),
  };
}

/** obs -> hidden (ReLU) -> V(s). */
export function mlpValue(obsSize: number, rng: Rng, hidden = 128): ValueNet {
  const l1 = dense(rng, obsSize, hidden, 'v1');
  const l2 = dense(rng, hidden, 1, 'v2');
  return {
    variables: [l1.w, l1.b, l2.w, l2.b],
    value: (obs) => applyDense(l2, tf.relu(applyDense(l1, flatten2d(obs)))).reshape([-1]) as tf.Tensor1D,
  };
}

/** obs -> shared hidden (ReLU) -> (logits, V(s)): one trunk whose features serve actor and critic. */
export function mlpActorCritic(obsSize: number, nActions: number, rng: Rng, hidden = 128): ActorCriticNet {
  const trunk = dense(rng, obsSize, hidden, 'trunk');
  const pi = dense(rng, hidden, nActions, 'pi', 0.1);
  const v = dense(rng, hidden, 1, 'v');
  return {
    variables: [trunk.w, trunk.b, pi.w, pi.b, v.w, v.b],
    forward: (obs) => {
      const z = tf.relu(applyDense(trunk, flatten2d(obs)));
      return { logits: applyDense(pi, z), value: applyDense(v, z).reshape([-1]) as tf.Tensor1D };
    },
  };
}

interface Conv { w: tf.Variable; b: tf.Variable }

function conv(rng: Rng, inC: number, outC: number, name: string): Conv {
  const k = 3;
  return {
    w: variable(glorot(rng, [k, k, inC, outC], k * k * inC, k * k * outC), [k, k, inC, outC], `${name}_w`),
    b: variable(new Float32Array(outC), [outC], `${name}_b`),
  };
}

/** Output side of a 'valid' 3x3 stride-2 convolution. */
function convOut(size: number): number {
  return Math.floor((size - 3) / 2) + 1;
}

function convTrunk(rng: Rng, obsShape: readonly number[], prefix: string): { layers: Conv[]; flatSize: number } {
  if (obsShape.length !== 3) throw new Error(`conv networks need [height, width, channels] observations, got [${obsShape.join(', ')}]`);
  const [h, w, c] = obsShape;
  const layers = [conv(rng, c, 32, `${prefix}c1`), conv(rng, 32, 32, `${prefix}c2`), conv(rng, 32, 32, `${prefix}c3`)];
  const oh = convOut(convOut(convOut(h)));
  const ow = convOut(convOut(convOut(w)));
  if (oh < 1 || ow < 1) throw new Error(`observation ${h}x${w} is too small for three stride-2 3x3 convolutions`);
  return { layers, flatSize: oh * ow * 32 };
}

function applyConvTrunk(layers: Conv[], obs: tf.Tensor): tf.Tensor2D {
  let x = obs as tf.Tensor4D;
  for (const l of layers) x = tf.relu(tf.add(tf.conv2d(x, l.w as unknown as tf.Tensor4D, 2, 'valid'), l.b)) as tf.Tensor4D;
  return x.reshape([x.shape[0], -1]);
}

/**
 * The Kung-Fu A3C notebook's network, channels-last: [B, 42, 42, 4] -> 3 x (conv 3x3 stride 2, 32
 * filters, ReLU) -> flatten (4*4*32 = 512) -> dense 128 (ReLU) -> logits [B, A] and V(s) [B].
 */
export function convActorCritic(obsShape: readonly number[], nActions: number, rng: Rng, hidden = 128): ActorCriticNet {
  const trunk = convTrunk(rng, obsShape, '');
  const fc = dense(rng, trunk.flatSize, hidden, 'fc');
  const pi = dense(rng, hidden, nActions, 'pi', 0.1);
  const v = dense(rng, hidden, 1, 'v');
  return {
    variables: [...trunk.layers.flatMap((l) => [l.w, l.b]), fc.w, fc.b, pi.w, pi.b, v.w, v.b],
    forward: (obs) => {
      const z = tf.relu(applyDense(fc, applyConvTrunk(trunk.layers, obs)));
      return { logits: applyDense(pi, z), value: applyDense(v, z).reshape([-1]) as tf.Tensor1D };
    },
  };
}

/**
 * A recurrent actor-critic: a feature trunk (the conv trunk for image observations, a dense layer for
 * vectors) -> dense `hidden` (ReLU) -> LSTM cell of `units` -> logits and V(s). The LSTM uses the
 * standard gates i, f, g, o with the forget-gate bias initialised to 1.
 */
export function lstmActorCritic(obsShape: readonly number[], nActions: number, rng: Rng, units = 128, hidden = 128): RecurrentActorCriticNet {
  const image = obsShape.length === 3;
  const trunk = image ? convTrunk(rng, obsShape, 'r') : null;
  const featIn = trunk ? trunk.flatSize : obsShape.reduce((a, b) => a * b, 1);
  const fc = dense(rng, featIn, hidden, 'rfc');
  const wx = variable(glorot(rng, [hidden, 4 * units], hidden, units), [hidden, 4 * units], 'lstm_wx');
  const wh = variable(glorot(rng, [units, 4 * units], units, units), [units, 4 * units], 'lstm_wh');
  const bias = new Float32Array(4 * units);
  bias.fill(1, units, 2 * units); // forget gate
  const b = variable(bias, [4 * units], 'lstm_b');
  const pi = dense(rng, units, nActions, 'rpi', 0.1);
  const v = dense(rng, units, 1, 'rv');
  const vars = [...(trunk ? trunk.layers.flatMap((l) => [l.w, l.b]) : []), fc.w, fc.b, wx, wh, b, pi.w, pi.b, v.w, v.b];
  return {
    variables: vars,
    units,
    initialState: (batch) => ({ h: tf.zeros([batch, units]), c: tf.zeros([batch, units]) }),
    step: (memory, obs) => {
      const feat = trunk ? applyConvTrunk(trunk.layers, obs) : flatten2d(obs);
      const x = tf.relu(applyDense(fc, feat));
      const gates = tf.add(tf.add(tf.matMul(x, wx), tf.matMul(memory.h, wh)), b);
      const [i, f, g, o] = tf.split(gates, 4, 1) as tf.Tensor2D[];
      const c = tf.add(tf.mul(tf.sigmoid(f), memory.c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
      const h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
      return { memory: { h, c }, logits: applyDense(pi, h), value: applyDense(v, h).reshape([-1]) as tf.Tensor1D };
    },
  };
}

// ---------- flat parameter access ----------

/** Total number of scalars in `vars`. */
export function paramCount(vars: readonly tf.Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}

/** Copies every variable into one flat array, in order. */
export function getFlatParams(vars: readonly tf.Variable[], out = new Float32Array(paramCount(vars))): Float32Array {
  let off = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, off);
    off += v.size;
  }
  return out;
}

/** Writes a flat array back into the variables, in order. */
export function setFlatParams(vars: readonly tf.Variable[], flat: Float32Array): void {
  if (flat.length !== paramCount(vars)) throw new Error(`setFlatParams: ${flat.length} values for ${paramCount(vars)} parameters`);
  let off = 0;
  for (const v of vars) {
    const slice = flat.slice(off, off + v.size);
    tf.tidy(() => v.assign(tf.tensor(slice, v.shape)));
    off += v.size;
  }
}

/**
 * Computes `lossFn()` and its gradient with respect to `vars`, returned as one flat array (zeros for
 * variables the loss does not touch). `lossFn` may also return auxiliary scalars to log.
 */
export function flatGradients(vars: readonly tf.Variable[], lossFn: () => tf.Scalar): { loss: number; grad: Float32Array } {
  const { value, grads } = tf.variableGrads(lossFn, vars as tf.Variable[]);
  const grad = new Float32Array(paramCount(vars));
  let off = 0;
  for (const v of vars) {
    const g = grads[v.name];
    if (g) grad.set(g.dataSync() as Float32Array, off);
    off += v.size;
  }
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grad };
}

/** Frees a network's variables. */
export function disposeNet(net: Net): void {
  for (const v of net.variables) v.dispose();
}
