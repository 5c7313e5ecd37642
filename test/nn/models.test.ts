import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../../lib/nn';
import { activeHeapBackend, HeapFloats } from '../../lib/nn/kernels/heap';
import { actorCriticModel, recurrentModel } from '../../lib/algos/models';
import { policyTask, criticTask, a3cTask, recurrentTask, recurrentStepTask, type Task } from './tasks';

test('model output shapes are as documented', async () => {
  await nn.ready();
  tf.tidy(() => {
    const p = nn.cartPolePolicy({ seed: 1 });
    assert.deepEqual(p.logits(tf.zeros([3, 4])).shape, [3, 2]);
    const a = nn.actorMlp({ obsSize: 6, nActions: 5, seed: 1 });
    assert.deepEqual(a.logits(tf.zeros([2, 6])).shape, [2, 5]);
    const c = nn.criticMlp({ obsSize: 6, seed: 1 });
    assert.deepEqual(c.value(tf.zeros([2, 6])).shape, [2]);
    const net = nn.a3cNet({ nActions: 14, seed: 1 });
    assert.equal(net.trunkFeatures, 512);
    const out = net.forward(tf.zeros([2, 42, 42, 4]));
    assert.deepEqual(out.logits.shape, [2, 14]);
    assert.deepEqual(out.value.shape, [2]);
    const shared = new nn.ConvActorCritic({
      inputShape: [20, 16, 1],
      nActions: 3,
      convs: [
        { filters: 8, kernel: 3, stride: 1, padding: 'same' },
        { filters: 4, kernel: 3, stride: 2, padding: 'same' },
      ],
      hidden: 16,
      seed: 2,
    });
    assert.equal(shared.trunkFeatures, 10 * 8 * 4);
    assert.deepEqual(shared.forward(tf.zeros([1, 20, 16, 1])).logits.shape, [1, 3]);
    const lstm = nn.recurrentAgent({ nActions: 14, seed: 1 });
    const s0 = lstm.initialState(5);
    assert.deepEqual(s0.h.shape, [5, 256]);
    const r = lstm.step(s0, tf.zeros([5, 42, 42, 4]));
    assert.deepEqual(r.logits.shape, [5, 14]);
    assert.deepEqual(r.value.shape, [5]);
    assert.deepEqual(r.state.c.shape, [5, 256]);
    const roll = lstm.rollout(s0, tf.zeros([3, 5, 42, 42, 4]));
    assert.deepEqual(roll.logits.shape, [3, 5, 14]);
    assert.deepEqual(roll.values.shape, [3, 5]);
    assert.throws(() => net.forward(tf.zeros([2, 4, 42, 42])), /expected input \[batch, 42, 42, 4\], got \[2, 4, 42, 42\]/);
    for (const m of [p, a, c, net, shared, lstm]) m.dispose();
  });
});

test('rollout equals a loop of steps', async () => {
  await nn.ready();
  const lstm = nn.recurrentAgent({ nActions: 3, seed: 4, units: 32, hidden: 32 });
  tf.tidy(() => {
    const obs = tf.randomUniform([4, 2, 42, 42, 4], 0, 1, 'float32', 5);
    const roll = lstm.rollout(lstm.initialState(2), obs, [
      [0, 1],
      [0, 0],
      [1, 0],
      [0, 0],
    ]);
    let state = lstm.initialState(2);
    const frames = tf.unstack(obs);
    for (let t = 0; t < 4; t++) {
      const r = lstm.step(state, frames[t]);
      const want = tf.reshape(tf.slice(roll.logits, [t, 0, 0], [1, 2, 3]), [2, 3]);
      const diff = tf.max(tf.abs(tf.sub(r.logits, want))).dataSync()[0];
      assert.ok(diff < 1e-5, `step ${t}: logits differ by ${diff}`);
      const keep = tf.tensor2d([[t === 2 ? 0 : 1], [t === 0 ? 0 : 1]]);
      state = { h: tf.mul(r.state.h, keep), c: tf.mul(r.state.c, keep) };
    }
  });
  lstm.dispose();
});

test('flat weights round-trip and apply external gradients', async () => {
  await nn.ready();
  const net = nn.a3cNet({ nActions: 4, seed: 3 });
  const flat = net.params.getFlat();
  assert.equal(flat.length, net.params.size);
  assert.equal(net.params.size, 3 * 3 * 4 * 32 + 32 + 2 * (3 * 3 * 32 * 32 + 32) + 512 * 128 + 128 + 128 * 4 + 4 + 128 + 1);
  const shared = new Float32Array(new SharedArrayBuffer(flat.byteLength));
  net.params.getFlat(shared);
  assert.deepEqual(shared, flat);
  shared[0] = 42;
  net.params.setFlat(shared);
  assert.equal(net.params.getFlat()[0], 42);
  assert.throws(() => net.params.setFlat(new Float32Array(3)), /expected \d+ values/);
  const opt = new nn.Optimizer(net, { kind: 'adam', lr: 0.1 });
  const before = net.params.getFlat();
  const g = new Float32Array(net.params.size).fill(1);
  opt.step(g);
  const after = net.params.getFlat();
  // The first Adam step moves every weight by -lr * sign(g).
  for (const i of [0, 100, after.length - 1]) assert.ok(Math.abs(after[i] - (before[i] - 0.1)) < 1e-5);
  net.dispose();
});

test('flat Adam matches tf.train.adam', async () => {
  await nn.ready();
  const a = policyTask(16, 5);
  const b = policyTask(16, 5);
  const ours = new nn.Optimizer(a.model, { kind: 'adam', lr: 0.01 });
  const stock = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  for (let i = 0; i < 5; i++) {
    ours.minimize(a.loss);
    stock.minimize(b.loss, true, b.model.variables)?.dispose();
  }
  const x = a.model.params.getFlat();
  const y = b.model.params.getFlat();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  assert.ok(worst < 1e-5, `weights differ by ${worst}`);
  stock.dispose();
  a.dispose();
  b.dispose();
});

function train(task: Task, steps: number, lr: number): number[] {
  const opt = new nn.Optimizer(task.model, { kind: 'adam', lr });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(opt.minimize(task.loss).loss);
  return losses;
}

test('each model learns a small supervised task', async () => {
  await nn.ready();
  const runs: Array<[Task, number, number, number]> = [
    [policyTask(64, 1), 150, 0.01, 0.15],
    [policyTask(64, 1, (s) => nn.actorMlp({ obsSize: 4, nActions: 2, seed: s })), 150, 0.01, 0.15],
    [criticTask(64, 1), 150, 0.01, 0.01],
    [a3cTask(16, 1), 60, 2e-3, 0.05],
    [recurrentTask(4, 3, 1), 40, 1e-3, 0.05],
    [recurrentStepTask(4, 3, 2), 40, 1e-3, 0.05],
  ];
  for (const [task, steps, lr, target] of runs) {
    const losses = train(task, steps, lr);
    const final = losses[losses.length - 1];
    assert.ok(final < target, `${task.name}: loss ${losses[0].toFixed(4)} -> ${final.toFixed(4)} after ${steps} steps, wanted < ${target}`);
    task.dispose();
  }
});

test('seeded training is bit-identical across two runs', async () => {
  await nn.ready();
  for (const make of [() => a3cTask(4, 9), () => recurrentTask(2, 3, 9), () => policyTask(8, 9)]) {
    const results: Float32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const task = make();
      train(task, 5, 1e-3);
      results.push(task.model.params.getFlat());
      task.dispose();
    }
    assert.deepEqual(results[0], results[1]);
  }
  // And a different seed gives different weights.
  const a = nn.a3cNet({ nActions: 2, seed: 1 }),
    b = nn.a3cNet({ nActions: 2, seed: 2 });
  assert.notDeepEqual(a.params.getFlat(), b.params.getFlat());
  a.dispose();
  b.dispose();
});

test('1,000 training steps of each model leak no tensors', async () => {
  await nn.ready();
  // Full-size conv nets; the recurrent agent at reduced width (same code paths, a fraction of the time).
  const small = { units: 32, hidden: 32 };
  for (const task of [
    policyTask(2, 3),
    criticTask(2, 3),
    a3cTask(1, 3),
    recurrentTask(1, 2, 3, small),
    recurrentStepTask(1, 2, 3, small),
  ]) {
    const opt = new nn.Optimizer(task.model, { kind: 'adam', lr: 1e-4 });
    opt.minimize(task.loss); // first step may create lasting tensors (none expected, but do not count it)
    const before = tf.memory().numTensors;
    // The backend's own count of data buffers too: shared buffers (Identity, Reshape) are reference counted.
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const buffersBefore = dataIds();
    for (let i = 0; i < 1000; i++) opt.minimize(task.loss);
    assert.equal(tf.memory().numTensors, before, `${task.name}: tensor count grew over 1,000 steps`);
    assert.equal(dataIds(), buffersBefore, `${task.name}: backend data buffers grew over 1,000 steps`);
    task.dispose();
  }
});

test('fused LSTM rollout (wasm) has the gradients of the op-by-op recurrence (cpu)', async () => {
  // 12 units: the SIMD cell kernels; 6: their scalar fallback.
  for (const units of [12, 6]) {
    const grads: Float32Array[] = [];
    for (const kind of ['wasm', 'cpu'] as const) {
      await nn.useBackend(kind);
      const agent = nn.recurrentAgent({ nActions: 3, seed: 6, units, hidden: 16 });
      const h0 = tf.variable(tf.randomUniform([2, units], -0.5, 0.5, 'float32', 1));
      const c0 = tf.variable(tf.randomUniform([2, units], -0.5, 0.5, 'float32', 2));
      const obs = tf.randomUniform([4, 2, 42, 42, 4], 0, 1, 'float32', 3);
      const w = tf.randomUniform([4, 2, 3], -1, 1, 'float32', 4);
      const vars = [...agent.variables, h0, c0];
      const { value, grads: g } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            const r = agent.rollout({ h: h0 as unknown as tf.Tensor2D, c: c0 as unknown as tf.Tensor2D }, obs, [
              [0, 0],
              [1, 0],
              [0, 0],
              [0, 1],
            ]);
            return tf.addN([
              tf.sum(tf.mul(r.logits, w)),
              tf.sum(tf.square(r.values)),
              tf.sum(r.state.h),
              tf.mul(0.5, tf.sum(r.state.c)),
            ]) as tf.Scalar;
          }),
        vars,
      );
      const flat = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
      let off = 0;
      for (const v of vars) {
        flat.set(g[v.name].dataSync(), off);
        off += v.size;
      }
      grads.push(flat);
      tf.dispose([value, h0, c0, obs, w]);
      tf.dispose(g);
      agent.dispose();
    }
    await nn.ready();
    let worst = 0,
      scale = 0;
    for (let i = 0; i < grads[0].length; i++) {
      worst = Math.max(worst, Math.abs(grads[0][i] - grads[1][i]));
      scale = Math.max(scale, Math.abs(grads[1][i]));
    }
    assert.ok(scale > 0.01, 'the gradients are not all zero');
    assert.ok(worst < 1e-4 * (1 + scale), `${units} units: fused and op-by-op gradients differ by ${worst} (largest ${scale})`);
  }
});

test('fused layers (wasm) have the outputs and gradients of the separate ops (cpu)', async () => {
  const makers: Array<[string, () => nn.Model & { run(x: tf.Tensor): tf.Tensor }, number[]]> = [
    [
      'a3c net',
      () => {
        const m = nn.a3cNet({ nActions: 5, seed: 8 });
        return Object.assign(m, {
          run: (x: tf.Tensor) => {
            const o = m.forward(x);
            return tf.concat([o.logits, tf.reshape(o.value, [-1, 1])], 1);
          },
        });
      },
      [3, 42, 42, 4],
    ],
    [
      'relu mlp',
      () => {
        const m = nn.cartPolePolicy({ seed: 8, hidden: 12 });
        return Object.assign(m, { run: (x: tf.Tensor) => m.logits(x) });
      },
      [6, 4],
    ],
    // ELU, and widths that are not multiples of 4 (the scalar epilogue).
    [
      'elu conv net',
      () => {
        const m = new nn.ConvActorCritic({
          inputShape: [13, 11, 3],
          nActions: 3,
          activation: 'elu',
          hidden: 10,
          seed: 8,
          convs: [
            { filters: 6, kernel: 3, stride: 2, padding: 'valid' },
            { filters: 8, kernel: 2, stride: 1, padding: 'valid' },
          ],
        });
        return Object.assign(m, {
          run: (x: tf.Tensor) => {
            const o = m.forward(x);
            return tf.concat([o.logits, tf.reshape(o.value, [-1, 1])], 1);
          },
        });
      },
      [2, 13, 11, 3],
    ],
    [
      'elu mlp',
      () => {
        const m = new nn.Mlp({ inputSize: 5, hidden: [8, 6], outputSize: 2, activation: 'elu', seed: 8 });
        return Object.assign(m, { run: (x: tf.Tensor) => m.apply(x) });
      },
      [4, 5],
    ],
  ];
  for (const [name, make, shape] of makers) {
    const out: Float32Array[] = [];
    const grads: Float32Array[] = [];
    for (const kind of ['wasm', 'cpu'] as const) {
      await nn.useBackend(kind);
      const model = make();
      const x = tf.randomUniform(shape, -1, 1, 'float32', 9);
      const y = model.run(x);
      const w = tf.randomUniform(y.shape, -1, 1, 'float32', 10);
      out.push(y.dataSync() as Float32Array);
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(model.run(x), w)) as tf.Scalar, model.variables);
      grads.push(model.params.flattenGrads(g));
      tf.dispose([x, y, w, value]);
      tf.dispose(g);
      model.dispose();
    }
    await nn.ready();
    for (const [what, a, b] of [
      ['outputs', out[0], out[1]],
      ['gradients', grads[0], grads[1]],
    ] as const) {
      let worst = 0,
        scale = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(b[i]));
      }
      assert.ok(scale > 1e-3, `${name} ${what} are not all zero`);
      assert.ok(worst < 1e-4 * (1 + scale), `${name}: fused and separate ${what} differ by ${worst} (largest ${scale})`);
    }
  }
});

test('Adam in the wasm heap (SIMD, float32 lanes) agrees with the JavaScript loop to float32 rounding', async () => {
  await nn.useBackend('wasm');
  const be = activeHeapBackend()!;
  const owner = {};
  for (const n of [65, 1000]) {
    // an odd count: SIMD quads and the scalar tail
    const heap = new HeapFloats(be, 4 * n, owner);
    const at = (k: number) => heap.view.subarray(k * n, (k + 1) * n);
    const plain = [0, 1, 2, 3].map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) plain[0][i] = at(0)[i] = Math.cos(i) * 0.3; // weights; moments start at zero
    for (let step = 1; step <= 4; step++) {
      for (let i = 0; i < n; i++) plain[1][i] = at(1)[i] = Math.sin(i * step) * (i % 7 === 0 ? 10 : 0.01);
      nn.adamStepFlat(plain[0], plain[1], plain[2], plain[3], step, 0.01, 0.9, 0.999, 1e-8);
      nn.adamStepFlat(at(0), at(1), at(2), at(3), step, 0.01, 0.9, 0.999, 1e-8);
    }
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(at(0)[i] - plain[0][i]));
    assert.ok(worst < 1e-6, `n ${n}: weights differ by ${worst}`);
    assert.ok(
      at(0).some((x, i) => x !== Math.fround(Math.cos(i) * 0.3)),
      'the step moved the weights',
    );
  }
  await nn.ready();
});

test("Optimizer.minimize takes the algorithms' step (group.gradients, clipByGlobalNorm, applyGradients): bit for bit on cpu, to float32 rounding in the wasm heap", async () => {
  for (const kind of ['wasm', 'cpu'] as const) {
    await nn.useBackend(kind);
    for (const maxGradNorm of [0, 0.05]) {
      const nets = [0, 1].map(() => nn.cartPolePolicy({ seed: 6, hidden: 33 }));
      const opt = new nn.Optimizer(nets[0], { kind: 'adam', lr: 0.01, maxGradNorm });
      const group = new nn.ParamGroup([nets[1]]);
      const params = group.getFlat();
      const state = nn.createOptimizerState('adam', group.size);
      const x = tf.tensor2d([
        [0.1, -0.2, 0.3, 0.05],
        [-0.4, 0.2, 0.1, -0.3],
      ]);
      const names = nets[0].params.layout.map((p) => p.name);
      // The loss leaves out the last parameter (the output bias): its gradient is missing, i.e. zero.
      const lossOf = (net: nn.PolicyMlp) => () =>
        tf.tidy(() => {
          const out = tf.matMul(
            tf.relu(tf.add(tf.matMul(x, net.params.get(names[0])), net.params.get(names[1]))),
            net.params.get(names[2]),
          );
          return tf.sum(tf.square(out)) as tf.Scalar;
        });
      for (let step = 0; step < 3; step++) {
        const a = opt.minimize(lossOf(nets[0]));
        const { grad } = group.gradients(lossOf(nets[1]));
        const norm = nn.clipByGlobalNorm(grad, maxGradNorm);
        nn.applyGradients({ kind: 'adam', lr: 0.01 }, params, grad, state);
        group.setFlat(params);
        if (kind === 'cpu') assert.equal(a.gradNorm, norm, `cpu step ${step}: gradient norm`);
        assert.ok(Math.abs(a.gradNorm - norm) <= 1e-6 * norm, `${kind} step ${step}: gradient norm ${a.gradNorm} vs ${norm}`);
      }
      const [w0, w1] = nets.map((n) => n.params.getFlat());
      if (kind === 'cpu') {
        assert.deepEqual(w0, w1, `cpu maxGradNorm ${maxGradNorm}: weights`);
        assert.deepEqual(opt.snapshotArrays(), nn.adamSnapshotArrays(params, state), 'cpu: the snapshot arrays');
      }
      let worst = 0;
      for (let i = 0; i < w0.length; i++) worst = Math.max(worst, Math.abs(w0[i] - w1[i]));
      assert.ok(worst < 1e-6, `${kind} maxGradNorm ${maxGradNorm}: weights differ by ${worst}`);
      const last = nets[0].params.layout[nets[0].params.layout.length - 1];
      const init = nn.cartPolePolicy({ seed: 6, hidden: 33 });
      assert.deepEqual(
        Array.from(nets[0].params.getFlat().subarray(last.offset, last.offset + last.size)),
        Array.from(init.params.getFlat().subarray(last.offset, last.offset + last.size)),
        'a parameter without gradient stays put on the first steps (its moments stay zero)',
      );
      tf.dispose(x);
      [...nets, init].forEach((n) => n.dispose());
    }
  }
  await nn.ready();
});

test('Optimizer: restoring its snapshot arrays resumes training identically; a NaN gradient is refused', async () => {
  await nn.ready();
  const a = policyTask(16, 5),
    b = policyTask(16, 7);
  const optA = new nn.Optimizer(a.model, { kind: 'adam', lr: 0.01 });
  for (let i = 0; i < 3; i++) optA.minimize(a.loss);
  const saved = optA.snapshotArrays();
  const optB = new nn.Optimizer(b.model, { kind: 'adam', lr: 0.01 });
  optB.restoreArrays(saved);
  assert.equal(optB.steps, 3);
  optA.minimize(a.loss);
  const c = policyTask(16, 5); // a's data, other weights until restored
  const optC = new nn.Optimizer(new nn.ParamGroup([c.model]), { kind: 'adam', lr: 0.01 });
  optC.restoreArrays(saved);
  optC.minimize(c.loss);
  assert.deepEqual(c.model.params.getFlat(), a.model.params.getFlat());
  assert.throws(() => optB.restoreArrays({ ...saved, 'adam/m': new Float32Array(3) }), /'adam\/m' has 3 values, expected \d+/);
  const before = b.model.params.getFlat();
  assert.throws(() => optB.step(new Float32Array(optB.group.size).fill(NaN)), /NaN or Infinity/);
  assert.deepEqual(b.model.params.getFlat(), before, 'weights unchanged after a refused step');
  for (const t of [a, b, c]) t.dispose();
});

test('fused layers and the fused LSTM (wasm) agree with finite differences', async () => {
  await nn.useBackend('wasm');
  const small = [
    { filters: 4, kernel: 3, stride: 2, padding: 'valid' as const },
    { filters: 8, kernel: 3, stride: 1, padding: 'valid' as const },
  ];
  const cases: Array<[string, nn.Model, () => tf.Scalar]> = [];
  const obs = tf.randomUniform([2, 11, 9, 4], 0, 1, 'float32', 21);
  const proj = tf.randomUniform([3], -1, 1, 'float32', 23); // a linear loss: curvature only from the network
  for (const activation of ['relu', 'elu'] as const) {
    const m = new nn.ConvActorCritic({ inputShape: [11, 9, 4], nActions: 3, convs: small, hidden: 8, activation, seed: 5 });
    cases.push([
      `conv net (${activation})`,
      m,
      () =>
        tf.tidy(() => {
          const o = m.forward(obs);
          return tf.add(tf.sum(tf.mul(o.logits, proj)), tf.sum(o.value)) as tf.Scalar;
        }),
    ]);
  }
  const agent = nn.recurrentAgent({ nActions: 3, seed: 5, units: 8, hidden: 8, inputShape: [11, 9, 4], convs: small });
  const seq = tf.randomUniform([3, 2, 11, 9, 4], 0, 1, 'float32', 22);
  cases.push([
    'LSTM rollout',
    agent,
    () =>
      tf.tidy(() => {
        const r = agent.rollout(agent.initialState(2), seq, [
          [0, 0],
          [1, 0],
          [0, 0],
        ]);
        return tf.add(tf.sum(tf.mul(r.logits, proj)), tf.sum(r.values)) as tf.Scalar;
      }),
  ]);
  for (const [name, model, loss] of cases) {
    const { value, grads } = tf.variableGrads(loss, model.variables);
    const analytic = model.params.flattenGrads(grads);
    tf.dispose([value, ...Object.values(grads)]);
    const w = model.params.getFlat();
    const eps = 1e-3;
    const f = (i: number, d: number) => {
      const x = w.slice();
      x[i] += d;
      model.params.setFlat(x);
      return tf.tidy(() => loss().dataSync()[0]);
    };
    // The largest gradients (well above float32 noise), one from each end of the layout, and a few in between.
    const order = Array.from(analytic.keys()).sort((a, b) => Math.abs(analytic[b]) - Math.abs(analytic[a]));
    for (const i of [...order.slice(0, 4), order.find((j) => j < w.length / 4)!, order.find((j) => j > (3 * w.length) / 4)!]) {
      const numeric = (f(i, eps) - f(i, -eps)) / (2 * eps);
      assert.ok(
        Math.abs(numeric - analytic[i]) < 2e-2 * (1 + Math.abs(numeric)),
        `${name} d/dw[${i}]: numeric ${numeric}, analytic ${analytic[i]}`,
      );
    }
    model.params.setFlat(w);
    model.dispose();
  }
  tf.dispose([obs, seq, proj]);
  await nn.ready();
});

test('ForwardRecord: the gradient over recorded passes equals one forward pass over the whole batch, without leaks', async () => {
  const nets: Array<[string, () => nn.ConvActorCritic, number[]]> = [
    ['a3c net', () => nn.a3cNet({ nActions: 6, seed: 3 }), [42, 42, 4]],
    [
      'elu conv net',
      () =>
        new nn.ConvActorCritic({
          inputShape: [13, 11, 3],
          nActions: 3,
          activation: 'elu',
          hidden: 10,
          seed: 8,
          convs: [
            { filters: 6, kernel: 3, stride: 2, padding: 'valid' },
            { filters: 8, kernel: 2, stride: 1, padding: 'same' },
          ],
        }),
      [13, 11, 3],
    ],
  ];
  for (const kind of ['wasm', 'cpu'] as const) {
    await nn.useBackend(kind);
    for (const [name, make, shape] of nets) {
      const net = make();
      const size = shape.reduce((a, b) => a * b, 1);
      const batch = 12,
        passes = 3,
        per = batch / passes;
      const obs = Float32Array.from({ length: batch * size }, (_, i) => ((i * 2654435761) % 1000) / 1000);
      const weights = tf.tensor1d(Float32Array.from({ length: batch }, (_, i) => i - 5));
      const loss = (o: { logits: tf.Tensor2D; value: tf.Tensor1D }) =>
        tf.add(
          tf.sum(tf.mul(tf.reshape(tf.slice(tf.logSoftmax(o.logits), [0, 1], [batch, 1]), [batch]), weights)),
          tf.sum(tf.square(o.value)),
        ) as tf.Scalar;
      const whole = tf.variableGrads(() => loss(net.forward(tf.tensor(obs, [batch, ...shape]))), net.variables);
      const record = new nn.ForwardRecord();
      // One buffer overwritten between passes, as an environment's observation buffer is.
      const buffer = new Float32Array(per * size);
      for (let k = 0; k < passes; k++) {
        buffer.set(obs.subarray(k * per * size, (k + 1) * per * size));
        tf.tidy(() => {
          net.forward(tf.tensor(buffer, [per, ...shape]), record);
        });
      }
      buffer.fill(7);
      assert.equal(record.batch, batch);
      assert.equal(record.activationsKept, kind === 'wasm', `${kind}: activations are kept only where the fused kernels run`);
      const before = tf.memory().numTensors;
      const recorded = tf.variableGrads(() => loss(net.forwardRecorded(record)), net.variables);
      assert.equal(recorded.value.dataSync()[0], whole.value.dataSync()[0], `${kind} ${name}: loss`);
      for (const v of Object.keys(whole.grads)) {
        assert.deepEqual(recorded.grads[v].dataSync(), whole.grads[v].dataSync(), `${kind} ${name}: gradient of ${v}`);
      }
      tf.dispose([recorded.value, ...Object.values(recorded.grads)]);
      assert.equal(tf.memory().numTensors, before, `${kind} ${name}: the recorded gradient leaks no tensors`);
      record.dispose();
      assert.equal(record.batch, 0);
      assert.throws(() => net.forwardRecorded(record), /holds no forward pass/);
      tf.dispose([whole.value, ...Object.values(whole.grads), weights]);
      net.dispose();
    }
  }
  await nn.ready();
});

test('RecordedPasses: act, then one gradient over the kept passes, equal to one forward pass over the batch; nothing leaks', async () => {
  const cases: Array<
    [
      string,
      () => {
        model: { recordedPasses(): nn.RecordedPasses; group: nn.ParamGroup };
        forward: (o: tf.Tensor) => nn.ActorCriticOutputs;
        dispose(): void;
      },
      number[],
    ]
  > = [
    [
      'a3c net',
      () => {
        const net = nn.a3cNet({ nActions: 6, seed: 3 });
        return {
          model: { recordedPasses: () => net.recordedPasses(), group: new nn.ParamGroup([net]) },
          forward: (o) => net.forward(o),
          dispose: () => net.dispose(),
        };
      },
      [42, 42, 4],
    ],
    [
      'separate actor and critic MLPs (algos)',
      () => {
        const m = actorCriticModel([5], 3, 7);
        return { model: m, forward: (o) => m.forward(o), dispose: () => m.group.dispose() };
      },
      [5],
    ],
  ];
  for (const kind of ['wasm', 'cpu'] as const) {
    await nn.useBackend(kind);
    for (const [name, make, shape] of cases) {
      const { model, forward, dispose } = make();
      const size = shape.reduce((a, b) => a * b, 1);
      const batch = 8,
        steps = 2,
        per = batch / steps;
      const obs = Float32Array.from({ length: batch * size }, (_, i) => ((i * 2654435761) % 1000) / 1000);
      const weights = tf.tensor1d(Float32Array.from({ length: batch }, (_, i) => i - 3));
      const loss = (o: nn.ActorCriticOutputs) =>
        tf.add(
          tf.sum(tf.mul(tf.reshape(tf.slice(tf.logSoftmax(o.logits), [0, 1], [batch, 1]), [batch]), weights)),
          tf.sum(tf.square(o.value)),
        ) as tf.Scalar;
      const whole = model.group.gradients(() => loss(forward(tf.tensor(obs, [batch, ...shape]))));
      const before = tf.memory().numTensors;
      const passes = model.recordedPasses();
      const buffer = new Float32Array(per * size); // overwritten between steps, as an environment's buffer is
      const values: number[] = [];
      for (let k = 0; k < steps; k++) {
        buffer.set(obs.subarray(k * per * size, (k + 1) * per * size));
        values.push(...passes.act(buffer).value);
      }
      buffer.fill(7);
      assert.equal(passes.batch, batch);
      assert.equal(passes.evaluate(obs.subarray(0, size)).value[0], values[0], `${kind} ${name}: evaluate gives the acting pass's value`);
      assert.throws(() => passes.act(new Float32Array(size + 1)), /not a batch of/);
      const recorded = passes.gradients(loss);
      assert.equal(passes.batch, 0, 'gradients releases the passes');
      assert.equal(tf.memory().numTensors, before, `${kind} ${name}: no tensor left after gradients`);
      assert.equal(recorded.loss, whole.loss, `${kind} ${name}: loss`);
      assert.deepEqual(recorded.grad, whole.grad, `${kind} ${name}: gradient`);
      const again = model.recordedPasses();
      again.act(obs);
      again.dispose();
      again.dispose();
      assert.equal(tf.memory().numTensors, before, `${kind} ${name}: dispose releases the passes`);
      tf.dispose(weights);
      dispose();
    }
  }
  await nn.ready();
});

test('RecurrentPasses: steps with resets, the carried memory, and one BPTT gradient as the rollout computes them; nothing leaks', async () => {
  const small = { units: 8, hidden: 8 };
  for (const kind of ['wasm', 'cpu'] as const) {
    await nn.useBackend(kind);
    for (const [name, make, shape] of [
      [
        'recurrent agent',
        () => {
          const a = nn.recurrentAgent({
            nActions: 3,
            seed: 2,
            inputShape: [11, 9, 4],
            convs: [{ filters: 4, kernel: 3, stride: 2, padding: 'valid' }],
            ...small,
          });
          return { model: a, group: new nn.ParamGroup([a]), passes: (m: nn.LstmState) => a.recordedPasses(m), dispose: () => a.dispose() };
        },
        [11, 9, 4],
      ],
      [
        'recurrent model on vectors (algos)',
        () => {
          const m = recurrentModel([5], 3, 4, small);
          return { model: m, group: m.group, passes: (s: nn.LstmState) => m.recordedPasses(s), dispose: () => m.group.dispose() };
        },
        [5],
      ],
    ] as const) {
      const { model, group, passes: makePasses, dispose } = make();
      const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      const T = 3,
        N = 2;
      const obs = Float32Array.from({ length: T * N * size }, (_, i) => ((i * 2654435761) % 1000) / 1000);
      const dones = [
        [0, 1],
        [0, 0],
        [1, 0],
      ];
      const loss = (o: nn.ActorCriticOutputs) =>
        tf.add(tf.sum(tf.mul(o.logits, tf.linspace(-1, 1, T * N * 3).reshape([T * N, 3]))), tf.sum(tf.square(o.value))) as tf.Scalar;
      const m0 = tf.tidy(() => ({ h: tf.fill([N, 8], 0.1) as tf.Tensor2D, c: tf.fill([N, 8], -0.2) as tf.Tensor2D }));
      // By hand: a rollout over the whole sequence for the gradient; steps with resets for values and memory.
      const whole = group.gradients(() => {
        const out = model.rollout(m0, tf.tensor(obs, [T, N, ...shape]), dones);
        return loss({ logits: tf.reshape(out.logits, [T * N, 3]) as tf.Tensor2D, value: tf.reshape(out.values, [T * N]) as tf.Tensor1D });
      });
      const byHand = tf.tidy(() => {
        let m = m0;
        const values: number[] = [];
        for (let t = 0; t < T; t++) {
          const r = model.step(m, tf.tensor(obs.subarray(t * N * size, (t + 1) * N * size), [N, ...shape]));
          values.push(...r.value.dataSync());
          const keep = tf.tensor2d(
            dones[t].map((d) => 1 - d),
            [N, 1],
          );
          m = { h: tf.mul(r.state.h, keep) as tf.Tensor2D, c: tf.mul(r.state.c, keep) as tf.Tensor2D };
        }
        return { values, h: m.h.dataSync(), c: m.c.dataSync() };
      });
      const before = tf.memory().numTensors;
      const passes = makePasses(m0);
      const buffer = new Float32Array(N * size); // overwritten between steps
      const values: number[] = [];
      for (let t = 0; t < T; t++) {
        buffer.set(obs.subarray(t * N * size, (t + 1) * N * size));
        values.push(...passes.act(buffer).value);
        passes.endStep(Float32Array.from(dones[t]));
      }
      buffer.fill(9);
      assert.deepEqual(values, byHand.values, `${kind} ${name}: values while acting`);
      const next = passes.memory();
      assert.deepEqual(next.h.dataSync(), byHand.h, `${kind} ${name}: carried memory`);
      assert.deepEqual(next.c.dataSync(), byHand.c, `${kind} ${name}: carried memory (cell)`);
      const recorded = passes.gradients(loss);
      assert.equal(recorded.loss, whole.loss, `${kind} ${name}: loss`);
      assert.deepEqual(recorded.grad, whole.grad, `${kind} ${name}: gradient`);
      passes.dispose();
      tf.dispose([next.h, next.c]);
      assert.equal(tf.memory().numTensors, before, `${kind} ${name}: no tensor left`);
      tf.dispose([m0.h, m0.c]);
      dispose();
    }
  }
  await nn.ready();
});

test('RecurrentPasses.unrolledGradients: a loss that steps the cell itself over the recorded inputs gets the gradient of running the whole network per step (trunk from the kept activations); a given reset, the carried memory, nothing leaks', async () => {
  const small = { units: 8, hidden: 8 };
  const gradOn: Record<string, Float32Array> = {};
  for (const kind of ['wasm', 'cpu'] as const) {
    await nn.useBackend(kind);
    const a = nn.recurrentAgent({
      nActions: 3,
      seed: 5,
      inputShape: [11, 9, 4],
      convs: [{ filters: 4, kernel: 3, stride: 2, padding: 'valid' }],
      ...small,
    });
    const group = new nn.ParamGroup([a]);
    const shape = [11, 9, 4];
    const size = 11 * 9 * 4;
    const T = 4,
      N = 3;
    const obs = Float32Array.from({ length: T * N * size }, (_, i) => ((i * 2654435761) % 997) / 997);
    const dones = [
      [false, true, false],
      [false, false, false],
      [true, false, true],
      [false, false, true],
    ];
    // A reset in another style than the library's (returns its input untouched when nobody ended, else new tensors).
    const reset = (m: nn.LstmState, d: boolean[]): nn.LstmState =>
      d.some((x) => x)
        ? {
            h: tf.where(
              tf.tensor2d(
                d.map((x) => [x]),
                [N, 1],
                'bool',
              ),
              tf.zerosLike(m.h),
              m.h,
            ),
            c: tf.mul(m.c, tf.tensor2d(d.map((x) => [x ? 0 : 1]))),
          }
        : m;
    const headsLoss = (logits: tf.Tensor, value: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(logits, tf.linspace(-1, 1, T * N * 3).reshape([T * N, 3]))), tf.sum(tf.square(value))) as tf.Scalar;
    const m0 = tf.tidy(() => ({ h: tf.fill([N, 8], 0.1) as tf.Tensor2D, c: tf.fill([N, 8], -0.2) as tf.Tensor2D }));
    const unroll = (start: nn.LstmState, xs: tf.Tensor2D[], cell: nn.RecurrentReplay['cell']) => {
      let m = { h: nn.stopGradient(start.h), c: nn.stopGradient(start.c) };
      const logits: tf.Tensor[] = [];
      const values: tf.Tensor[] = [];
      xs.forEach((x, t) => {
        const out = cell(m, x);
        logits.push(out.logits);
        values.push(out.value);
        m = reset(out.state, dones[t]);
      });
      return { loss: headsLoss(tf.concat(logits), tf.concat(values)), memory: m };
    };
    // By hand: the trunk over all T*N frames at once, then the same loop, inside one gradient.
    let handMemory: number[] = [];
    const byHand = group.gradients(() => {
      const xs = tf.split(a.inputs(tf.tensor(obs, [T * N, ...shape])), T, 0) as tf.Tensor2D[];
      const out = unroll(m0, xs, (m, x) => a.cell(m, x));
      handMemory = [...out.memory.h.dataSync(), ...out.memory.c.dataSync()];
      return out.loss;
    });
    // The network run whole at each step (as the learner's loop did before): the same gradient up to summation order.
    const perStep = group.gradients(() => {
      let m = { h: nn.stopGradient(m0.h), c: nn.stopGradient(m0.c) };
      const logits: tf.Tensor[] = [];
      const values: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const out = a.step(m, tf.tensor(obs.subarray(t * N * size, (t + 1) * N * size), [N, ...shape]));
        logits.push(out.logits);
        values.push(out.value);
        m = reset(out.state, dones[t]);
      }
      return headsLoss(tf.concat(logits), tf.concat(values));
    });
    const before = tf.memory().numTensors;
    const passes = a.recordedPasses(m0);
    const buffer = new Float32Array(N * size);
    for (let t = 0; t < T; t++) {
      buffer.set(obs.subarray(t * N * size, (t + 1) * N * size));
      passes.act(buffer);
      passes.endStep(dones[t], reset);
    }
    buffer.fill(7); // the kept passes must not see the caller's buffer change
    const acted = passes.memory();
    const r = passes.unrolledGradients(({ start, inputs, cell }) => {
      assert.equal(inputs.length, T);
      return unroll(start, inputs, cell);
    });
    assert.equal(r.loss, byHand.loss, `${kind}: loss`);
    gradOn[kind] = r.grad;
    assert.deepEqual(r.grad, byHand.grad, `${kind}: gradient (bit for bit)`);
    const maxDiff = r.grad.reduce((d, g, i) => Math.max(d, Math.abs(g - perStep.grad[i])), 0);
    const scale = perStep.grad.reduce((d, g) => Math.max(d, Math.abs(g)), 0);
    assert.ok(maxDiff <= 1e-5 * scale, `${kind}: gradient vs the whole network per step: ${maxDiff} (scale ${scale})`);
    assert.deepEqual([...r.memory.h.dataSync(), ...r.memory.c.dataSync()], handMemory, `${kind}: the loss's memory is handed back`);
    assert.deepEqual([...acted.h.dataSync(), ...acted.c.dataSync()], handMemory, `${kind}: acting carried the same memory`);
    tf.dispose([r.memory.h, r.memory.c, acted.h, acted.c]);
    passes.dispose();
    assert.equal(tf.memory().numTensors, before, `${kind}: no tensor left`);
    // A loss that throws releases the kept steps too (what tfjs's gradient leaves of a throwing function aside).
    const failing = a.recordedPasses(m0);
    failing.act(obs.subarray(0, N * size));
    assert.throws(
      () =>
        failing.unrolledGradients(() => {
          throw new Error('learner bug');
        }),
      /learner bug/,
    );
    assert.equal(failing.steps, 0, `${kind}: released after a failing loss`);
    tf.dispose([m0.h, m0.c]);
    a.dispose();
  }
  // wasm (fused convolutions, the fused one-step LSTM kernel) and cpu (plain ops) agree to float32 rounding.
  const diff = gradOn.wasm.reduce((d, g, i) => Math.max(d, Math.abs(g - gradOn.cpu[i])), 0);
  const scale = gradOn.cpu.reduce((d, g) => Math.max(d, Math.abs(g)), 0);
  assert.ok(diff <= 1e-4 * scale, `wasm vs cpu gradient: ${diff} (scale ${scale})`);
  await nn.ready();
});
