/**
 * Hand-written WebAssembly SIMD kernels that run inside tfjs-backend-wasm's own memory (the module
 * imports that memory), so they read and write tensors in place:
 *
 *   gemm_R_V  C(i, j) (+)= sum_p A(i, p) B(p, j) on an R-row x 4V-column tile, where every row and column
 *             address comes from an i32 offset table. One kernel so covers plain and transposed matrix
 *             products and the gradients of a convolution without unrolling patches (im2col): the tables
 *             say where each receptive field and each output position lies.
 *   colsum    column sums of a [rows, cols] matrix (bias gradients).
 *   adam      one Adam step on float32 arrays, four elements at a time in float32 lanes.
 *   sumsq     sum of squares in float64 (gradient norms).
 */
import { FunctionBuilder, assembleModule, type Local } from './wasm-asm';

/** Row-tile heights and column-tile widths (in 4-float vectors) the gemm kernels come in. */
export const GEMM_TILES: ReadonlyArray<readonly [rows: number, vectors: number]> = [
  [4, 2],
  [4, 1],
  [5, 2],
  [5, 1],
  [1, 2],
  [1, 1],
];

/**
 * gemm_R_V(colTiles, rowTiles, aRowTab, cRowTab, aColTab, bRowTab, aOff, bOff, cOff, P, accumulate, rowsOuter, bTileStride):
 * for each of `colTiles` tiles of 4V columns (bOff advances by bTileStride bytes per tile: 16V for a
 * row-major B, more for B packed in column panels by pack_b; cOff advances by 16V) and each of
 * `rowTiles` tiles of R rows (row tables advance by R entries per tile),
 *   A(i, p) = f32 at aRowTab[i] + aColTab[p] + aOff,  B(p, j) = f32 at bRowTab[p] + bOff + 4j,
 *   C(i, j) = f32 at cRowTab[i] + cOff + 4j,  j < 4V;  C is overwritten, or added to when accumulate != 0.
 * The tiles are visited column tile by column tile (each B slice stays in L1 while all of A streams past
 * it), or, when rowsOuter != 0, row tile by row tile (each R-row slice of A stays in L1 while B, which
 * must then fit in L2, streams past it): the better order depends on which operand is the larger.
 */
function gemmTile(R: number, V: number, fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder(
    `gemm_${R}_${V}`,
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    [],
  );
  const [colTiles, rowTiles, aRowTab0, cRowTab0, aColTab, bRowTab, aOff, bOff0, cOff0, P, accumulate, rowsOuter, bTileStride] = f.params;
  const rt = f.local('i32');
  const ct = f.local('i32');
  const aRowTab = f.local('i32');
  const cRowTab = f.local('i32');
  const bOff = f.local('i32');
  const cOff = f.local('i32');
  const ap = f.local('i32');
  const apEnd = f.local('i32');
  const bp = f.local('i32');
  const t = f.local('i32');
  const b = f.local('i32');
  const cr = f.local('i32');
  const a: Local[] = Array.from({ length: R }, () => f.local('i32'));
  const acc: Local[][] = a.map(() => Array.from({ length: V }, () => f.local('v128')));
  const bv: Local[] = Array.from({ length: V }, () => f.local('v128'));
  const s = f.local('v128');

  const loadRowAddresses = () => {
    for (let r = 0; r < R; r++)
      f.get(aRowTab)
        .i32Load(4 * r)
        .get(aOff)
        .i32Add()
        .set(a[r]);
  };
  /** One R x 4V tile of C at rows aRowTab/cRowTab, columns bOff/cOff (row addresses a[] already set). */
  const tile = () => {
    for (let r = 0; r < R; r++) for (let v = 0; v < V; v++) f.v128Zero().set(acc[r][v]);
    f.get(accumulate).ifThen(() => {
      for (let r = 0; r < R; r++) {
        f.get(cRowTab)
          .i32Load(4 * r)
          .get(cOff)
          .i32Add()
          .set(cr);
        for (let v = 0; v < V; v++)
          f.get(cr)
            .v128Load(16 * v)
            .set(acc[r][v]);
      }
    });
    // The reduction walks the A-column table up to its end (no separate counter), and C's row addresses
    // are reloaded afterwards: both keep the loop's integer values in registers.
    f.get(aColTab).set(ap);
    f.get(bRowTab).set(bp);
    f.forLoop(ap, apEnd, 4, () => {
      f.get(ap).i32Load().set(t);
      f.get(bp).i32Load().get(bOff).i32Add().set(b);
      for (let v = 0; v < V; v++)
        f.get(b)
          .v128Load(16 * v)
          .set(bv[v]);
      for (let r = 0; r < R; r++) {
        f.get(a[r]).get(t).i32Add().load32Splat().set(s);
        for (let v = 0; v < V; v++) {
          if (fma) f.get(s).get(bv[v]).get(acc[r][v]).f32x4RelaxedMadd().set(acc[r][v]);
          else f.get(acc[r][v]).get(s).get(bv[v]).f32x4Mul().f32x4Add().set(acc[r][v]);
        }
      }
      f.addTo(bp, 4);
    });
    for (let r = 0; r < R; r++) {
      f.get(cRowTab)
        .i32Load(4 * r)
        .get(cOff)
        .i32Add()
        .set(cr);
      for (let v = 0; v < V; v++)
        f.get(cr)
          .get(acc[r][v])
          .v128Store(16 * v);
    }
  };

  f.get(aColTab).get(P).i32(2).i32Shl().i32Add().set(apEnd);
  f.get(rowsOuter).ifThen(() => {
    f.get(aRowTab0).set(aRowTab);
    f.get(cRowTab0).set(cRowTab);
    f.i32(0).set(rt);
    f.forLoop(rt, rowTiles, 1, () => {
      loadRowAddresses();
      f.get(bOff0).set(bOff);
      f.get(cOff0).set(cOff);
      f.i32(0).set(ct);
      f.forLoop(ct, colTiles, 1, () => {
        tile();
        f.addTo(bOff, bTileStride).addTo(cOff, 16 * V);
      });
      f.addTo(aRowTab, 4 * R).addTo(cRowTab, 4 * R);
    });
  });
  f.get(rowsOuter)
    .i32Eqz()
    .ifThen(() => {
      f.get(bOff0).set(bOff);
      f.get(cOff0).set(cOff);
      f.i32(0).set(ct);
      f.forLoop(ct, colTiles, 1, () => {
        f.get(aRowTab0).set(aRowTab);
        f.get(cRowTab0).set(cRowTab);
        f.i32(0).set(rt);
        f.forLoop(rt, rowTiles, 1, () => {
          loadRowAddresses();
          tile();
          f.addTo(aRowTab, 4 * R).addTo(cRowTab, 4 * R);
        });
        f.addTo(bOff, bTileStride).addTo(cOff, 16 * V);
      });
    });
  return f;
}

/**
 * pack_b(src, rowStride, P, tiles, dst): copies the first 8*tiles columns of a row-major [P, *] matrix
 * (rows rowStride bytes apart) into column panels: panel t holds rows 0..P-1 of columns 8t..8t+7, 32
 * bytes a row, panel after panel. A gemm column tile then reads its slice of B from consecutive memory;
 * read in place, rows 4 KB apart (1024-wide matrices) all fall into the same few L1 sets and miss.
 */
function packB(): FunctionBuilder {
  const f = new FunctionBuilder('pack_b', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [src, rowStride, P, tiles, dst] = f.params;
  const t = f.local('i32');
  const p = f.local('i32');
  const from = f.local('i32');
  f.i32(0).set(t);
  f.forLoop(t, tiles, 1, () => {
    f.get(src).get(t).i32(5).i32Shl().i32Add().set(from);
    f.i32(0).set(p);
    f.forLoop(p, P, 1, () => {
      f.get(dst).get(from).v128Load(0).v128Store(0);
      f.get(dst).get(from).v128Load(16).v128Store(16);
      f.addTo(from, rowStride).addTo(dst, 32);
    });
  });
  return f;
}

/** colsum(src, rows, cols, dst): dst[j] = sum_r src[r * cols + j]; cols a multiple of 4 (byte addresses). */
function colsum(): FunctionBuilder {
  const f = new FunctionBuilder('colsum', ['i32', 'i32', 'i32', 'i32'], []);
  const [src, rows, cols, dst] = f.params;
  const j = f.local('i32');
  const r = f.local('i32');
  const bytes = f.local('i32');
  f.get(cols).i32(2).i32Shl().set(bytes);
  f.i32(0).set(j);
  f.forLoop(j, bytes, 16, () => {
    f.get(dst).get(j).i32Add().v128Zero().v128Store();
  });
  f.i32(0).set(r);
  f.forLoop(r, rows, 1, () => {
    f.i32(0).set(j);
    f.forLoop(j, bytes, 16, () => {
      f.get(dst).get(j).i32Add();
      f.get(dst).get(j).i32Add().v128Load();
      f.get(src).get(j).i32Add().v128Load();
      f.f32x4Add().v128Store();
    });
    f.addTo(src, bytes);
  });
  return f;
}

/**
 * bias_relu / bias_add(y, bias, rows, cols): y[r, j] = max(y[r, j] + bias[j], 0) (or without the max), in
 * place; cols a multiple of 4.
 */
function biasAct(relu: boolean): FunctionBuilder {
  const f = new FunctionBuilder(relu ? 'bias_relu' : 'bias_add', ['i32', 'i32', 'i32', 'i32'], []);
  const [y, bias, rows, cols] = f.params;
  const r = f.local('i32');
  const j = f.local('i32');
  const bytes = f.local('i32');
  const zero = f.local('v128');
  f.v128Zero().set(zero);
  f.get(cols).i32(2).i32Shl().set(bytes);
  f.i32(0).set(r);
  f.forLoop(r, rows, 1, () => {
    f.i32(0).set(j);
    f.forLoop(j, bytes, 16, () => {
      f.get(y).get(j).i32Add();
      f.get(y).get(j).i32Add().v128Load().get(bias).get(j).i32Add().v128Load().f32x4Add();
      if (relu) f.get(zero).f32x4Pmax();
      f.v128Store();
    });
    f.addTo(y, bytes);
  });
  return f;
}

/**
 * Emits exp(x) - 1 for x <= 0 (the input v128 on the stack), leaving the result on the stack: range
 * reduction x = n ln2 + r, |r| <= ln2/2, a degree-7 polynomial for exp(r) (the expf coefficients of
 * the Cephes library), and 2^n built in the exponent bits. Absolute error about 1e-7.
 */
function emitExpm1NonPositive(f: FunctionBuilder, consts: Record<string, Local>, x: Local, n: Local, r: Local, minusOne = true): void {
  f.get(consts.lowest).f32x4Pmax().set(x); // exp underflows below -87 (and 2^n needs n >= -126)
  // n = round(x log2 e) by adding 1.5 * 2^23: the sum's low mantissa bits then hold n.
  const t = r; // t shares a local with r: it is dead once 2^n is formed below
  f.get(x).get(consts.log2e).f32x4Mul().get(consts.magic).f32x4Add().set(t);
  f.get(t).get(consts.magic).f32x4Sub().set(n);
  // 2^n = ((bits(t) - bits(magic)) + 127) << 23, kept on the stack until the end
  f.get(t).get(consts.expBias).i32x4Add().i32(23).i32x4Shl();
  f.get(x).get(n).get(consts.ln2Hi).f32x4Mul().f32x4Sub().get(n).get(consts.ln2Lo).f32x4Mul().f32x4Sub().set(r);
  // p(r) = ((((c5 r + c4) r + c3) r + c2) r + c1) r + c0;  exp(r) = p r^2 + r + 1
  f.get(consts.c5).get(r).f32x4Mul().get(consts.c4).f32x4Add();
  for (const c of ['c3', 'c2', 'c1', 'c0']) f.get(r).f32x4Mul().get(consts[c]).f32x4Add();
  f.get(r).f32x4Mul().get(r).f32x4Mul().get(r).f32x4Add().get(consts.one).f32x4Add();
  f.f32x4Mul(); // * 2^n
  if (minusOne) f.get(consts.one).f32x4Sub();
}

/** Scratch locals for the exp helper and the activations built on it. */
interface ExpScratch {
  k: Record<string, Local>;
  x: Local;
  n: Local;
  r: Local;
  e: Local;
  s: Local;
}

function expScratch(f: FunctionBuilder): ExpScratch {
  return { k: expConsts(f), x: f.local('v128'), n: f.local('v128'), r: f.local('v128'), e: f.local('v128'), s: f.local('v128') };
}

/** sigmoid(v) for the v128 local `v`, onto the stack: e = exp(-|v|), v >= 0 ? 1/(1+e) : e/(1+e). */
function emitSigmoid(f: FunctionBuilder, z: ExpScratch, v: Local): void {
  f.get(v).f32x4Abs().f32x4Neg();
  emitExpm1NonPositive(f, z.k, z.x, z.n, z.r, false);
  f.set(z.e);
  f.get(z.k.one).get(z.k.one).get(z.e).f32x4Add().f32x4Div().set(z.s);
  f.get(z.e).get(z.s).f32x4Mul().get(z.s).get(v).get(z.k.zero).f32x4Lt().v128Bitselect();
}

/** tanh(v) onto the stack: e = exp(-2|v|), t = (1-e)/(1+e), with the sign of v. */
function emitTanh(f: FunctionBuilder, z: ExpScratch, v: Local): void {
  f.get(v).f32x4Abs().get(z.k.minusTwo).f32x4Mul();
  emitExpm1NonPositive(f, z.k, z.x, z.n, z.r, false);
  f.set(z.e);
  f.get(z.k.one).get(z.e).f32x4Sub().get(z.k.one).get(z.e).f32x4Add().f32x4Div().set(z.s);
  f.get(z.s).f32x4Neg().get(z.s).get(v).get(z.k.zero).f32x4Lt().v128Bitselect();
}

/**
 * lstm_fwd(acts, cPrev, cell, hOut, hNext, cNext, units, keep): one batch row of an LSTM step. `acts`
 * holds the gate pre-activations [i f g o] (units each) and gets the activations; then
 * c = f cPrev + i g -> cell, h = o tanh(c) -> hOut, and h keep -> hNext, c keep -> cNext. units % 4 == 0.
 */
function lstmForward(): FunctionBuilder {
  const f = new FunctionBuilder('lstm_fwd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'], []);
  const [acts, cPrev, cell, hOut, hNext, cNext, units, keep] = f.params;
  const z = expScratch(f);
  const u = f.local('i32');
  const end = f.local('i32');
  const ub = f.local('i32');
  const gate = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const pre = f.local('v128');
  const c = f.local('v128');
  const h = f.local('v128');
  const k = f.local('v128');
  f.get(keep).f32DemoteF64().f32x4Splat().set(k);
  f.get(units).i32(2).i32Shl().tee(ub).set(end);
  f.i32(0).set(u);
  f.forLoop(u, end, 16, () => {
    for (let q = 0; q < 4; q++) {
      // acts + q*units*4 + u
      f.get(acts).get(u).i32Add().get(ub).i32(q).i32Mul().i32Add().v128Load().set(pre);
      if (q === 2) emitTanh(f, z, pre);
      else emitSigmoid(f, z, pre);
      f.set(gate[q]);
      f.get(acts).get(u).i32Add().get(ub).i32(q).i32Mul().i32Add().get(gate[q]).v128Store();
    }
    f.get(gate[1]).get(cPrev).get(u).i32Add().v128Load().f32x4Mul().get(gate[0]).get(gate[2]).f32x4Mul().f32x4Add().set(c);
    f.get(cell).get(u).i32Add().get(c).v128Store();
    emitTanh(f, z, c);
    f.get(gate[3]).f32x4Mul().set(h);
    f.get(hOut).get(u).i32Add().get(h).v128Store();
    f.get(hNext).get(u).i32Add().get(h).get(k).f32x4Mul().v128Store();
    f.get(cNext).get(u).i32Add().get(c).get(k).f32x4Mul().v128Store();
  });
  return f;
}

/**
 * lstm_bwd(acts, cell, cPrev, dy, dh, dc, dG, units, keep): one batch row of an LSTM step backwards.
 * dh and dc hold the gradients reaching the (masked) state after the step and get dc for the state
 * before it (dh before it comes from the recurrent product); dG gets the gate pre-activation gradients.
 */
function lstmBackward(): FunctionBuilder {
  const f = new FunctionBuilder('lstm_bwd', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'], []);
  const [acts, cell, cPrev, dy, dh, dc, dG, units, keep] = f.params;
  const z = expScratch(f);
  const u = f.local('i32');
  const end = f.local('i32');
  const ub = f.local('i32');
  const [gi, gf, gg, go] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const c = f.local('v128');
  const tc = f.local('v128');
  const dhu = f.local('v128');
  const dcu = f.local('v128');
  const k = f.local('v128');
  f.get(keep).f32DemoteF64().f32x4Splat().set(k);
  f.get(units).i32(2).i32Shl().tee(ub).set(end);
  const at = (base: Local, q: number): void => {
    f.get(base).get(u).i32Add();
    if (q) f.get(ub).i32(q).i32Mul().i32Add();
  };
  f.i32(0).set(u);
  f.forLoop(u, end, 16, () => {
    at(acts, 0);
    f.v128Load().set(gi);
    at(acts, 1);
    f.v128Load().set(gf);
    at(acts, 2);
    f.v128Load().set(gg);
    at(acts, 3);
    f.v128Load().set(go);
    at(cell, 0);
    f.v128Load().set(c);
    emitTanh(f, z, c);
    f.set(tc);
    // dhu = dy + dh k;  dcu = dc k + dhu o (1 - tc^2)
    at(dy, 0);
    f.v128Load();
    at(dh, 0);
    f.v128Load().get(k).f32x4Mul().f32x4Add().set(dhu);
    at(dc, 0);
    f.v128Load().get(k).f32x4Mul();
    f.get(dhu).get(go).f32x4Mul().get(z.k.one).get(tc).get(tc).f32x4Mul().f32x4Sub().f32x4Mul().f32x4Add().set(dcu);
    // dI = dcu g i (1 - i)
    at(dG, 0);
    f.get(dcu).get(gg).f32x4Mul().get(gi).f32x4Mul().get(z.k.one).get(gi).f32x4Sub().f32x4Mul().v128Store();
    // dF = dcu cPrev f (1 - f)
    at(dG, 1);
    f.get(dcu);
    at(cPrev, 0);
    f.v128Load().f32x4Mul().get(gf).f32x4Mul().get(z.k.one).get(gf).f32x4Sub().f32x4Mul().v128Store();
    // dGg = dcu i (1 - g^2)
    at(dG, 2);
    f.get(dcu).get(gi).f32x4Mul().get(z.k.one).get(gg).get(gg).f32x4Mul().f32x4Sub().f32x4Mul().v128Store();
    // dO = dhu tc o (1 - o)
    at(dG, 3);
    f.get(dhu).get(tc).f32x4Mul().get(go).f32x4Mul().get(z.k.one).get(go).f32x4Sub().f32x4Mul().v128Store();
    at(dc, 0);
    f.get(dcu).get(gf).f32x4Mul().v128Store();
  });
  return f;
}

function expConsts(f: FunctionBuilder): Record<string, Local> {
  const c: Record<string, Local> = {};
  const splat = (name: string, v: number): void => {
    c[name] = f.local('v128');
    f.f32(v).f32x4Splat().set(c[name]);
  };
  splat('lowest', -87);
  splat('log2e', Math.LOG2E);
  splat('ln2Hi', 0.693359375);
  splat('ln2Lo', -2.1219444e-4);
  splat('c5', 1.98756915e-4);
  splat('c4', 1.3981999507e-3);
  splat('c3', 8.3334519073e-3);
  splat('c2', 4.1665795894e-2);
  splat('c1', 1.6666665459e-1);
  splat('c0', 5.0000001201e-1);
  splat('one', 1);
  splat('magic', 12582912); // 1.5 * 2^23
  splat('minusTwo', -2);
  c.expBias = f.local('v128');
  f.i32(127 - 0x4b400000)
    .op(0xfd, 17)
    .set(c.expBias); // i32x4.splat: 127 - bits(1.5 * 2^23)
  c.zero = f.local('v128');
  f.v128Zero().set(c.zero);
  return c;
}

/** bias_elu(y, bias, rows, cols): y = elu(y + bias) in place (elu(v) = v > 0 ? v : exp(v) - 1); cols % 4 == 0. */
function biasElu(): FunctionBuilder {
  const f = new FunctionBuilder('bias_elu', ['i32', 'i32', 'i32', 'i32'], []);
  const [y, bias, rows, cols] = f.params;
  const r = f.local('i32');
  const j = f.local('i32');
  const bytes = f.local('i32');
  const v = f.local('v128');
  const x = f.local('v128');
  const n = f.local('v128');
  const red = f.local('v128');
  const k = expConsts(f);
  f.get(cols).i32(2).i32Shl().set(bytes);
  f.i32(0).set(r);
  f.forLoop(r, rows, 1, () => {
    f.i32(0).set(j);
    f.forLoop(j, bytes, 16, () => {
      f.get(y).get(j).i32Add().v128Load().get(bias).get(j).i32Add().v128Load().f32x4Add().set(v);
      f.get(y).get(j).i32Add(); // store address
      f.get(v); // bitselect a: v where v > 0
      f.get(v).get(k.zero).f32x4Pmin();
      emitExpm1NonPositive(f, k, x, n, red);
      f.get(v).get(k.zero).f32x4Gt();
      f.v128Bitselect().v128Store();
    });
    f.addTo(y, bytes);
  });
  return f;
}

/** elu_grad(dy, y, quads, dz): dz = dy * (y > 0 ? 1 : y + 1) (from the ELU's output y). */
function eluGrad(): FunctionBuilder {
  const f = new FunctionBuilder('elu_grad', ['i32', 'i32', 'i32', 'i32'], []);
  const [dy, y, quads, dz] = f.params;
  const i = f.local('i32');
  const end = f.local('i32');
  const one = f.local('v128');
  const zero = f.local('v128');
  const g = f.local('v128');
  const yv = f.local('v128');
  f.f32(1).f32x4Splat().set(one);
  f.v128Zero().set(zero);
  f.get(quads).i32(4).i32Shl().set(end);
  f.i32(0).set(i);
  f.forLoop(i, end, 16, () => {
    f.get(dy).get(i).i32Add().v128Load().set(g);
    f.get(y).get(i).i32Add().v128Load().set(yv);
    f.get(dz).get(i).i32Add();
    f.get(g);
    f.get(g).get(yv).get(one).f32x4Add().f32x4Mul();
    f.get(yv).get(zero).f32x4Gt();
    f.v128Bitselect().v128Store();
  });
  return f;
}

/** relu_grad(dy, y, quads, dz): dz = y > 0 ? dy : 0 on 4*quads elements. */
function reluGrad(): FunctionBuilder {
  const f = new FunctionBuilder('relu_grad', ['i32', 'i32', 'i32', 'i32'], []);
  const [dy, y, quads, dz] = f.params;
  const i = f.local('i32');
  const end = f.local('i32');
  const zero = f.local('v128');
  f.v128Zero().set(zero);
  f.get(quads).i32(4).i32Shl().set(end);
  f.i32(0).set(i);
  f.forLoop(i, end, 16, () => {
    f.get(dz).get(i).i32Add();
    f.get(dy).get(i).i32Add().v128Load();
    f.get(y).get(i).i32Add().v128Load().get(zero).f32x4Gt();
    f.v128And().v128Store();
  });
  return f;
}

/**
 * adam(params, grads, m, v, quads, lr, beta1, beta2, eps, c1, c2, gradScale): one Adam step on
 * 4*quads float32 elements, four at a time in float32 lanes (as tf.train.adam computes; `adamStepFlat`'s
 * JavaScript loop uses float64 intermediates, so the two can differ in the last bit):
 *   g = grads*gradScale, m = beta1 m + (1-beta1) g, v = beta2 v + (1-beta2) g g,
 *   params -= lr (m / c1) / (sqrt(v / c2) + eps).
 */
function adam(): FunctionBuilder {
  const f = new FunctionBuilder('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64'], []);
  const [params, grads, m, v, quads, lr, beta1, beta2, eps, c1, c2, gradScale] = f.params;
  const i = f.local('i32');
  const end = f.local('i32');
  const splat = (push: () => void): Local => {
    const l = f.local('v128');
    push();
    f.f32DemoteF64().f32x4Splat().set(l);
    return l;
  };
  const vLr = splat(() => f.get(lr)),
    vB1 = splat(() => f.get(beta1)),
    vB2 = splat(() => f.get(beta2));
  const vEps = splat(() => f.get(eps)),
    vC1 = splat(() => f.get(c1)),
    vC2 = splat(() => f.get(c2));
  const vScale = splat(() => f.get(gradScale));
  const v1mB1 = splat(() => f.f64(1).get(beta1).f64Sub());
  const v1mB2 = splat(() => f.f64(1).get(beta2).f64Sub());
  const g = f.local('v128');
  const mi = f.local('v128');
  const vi = f.local('v128');
  f.get(quads).i32(4).i32Shl().set(end);
  f.i32(0).set(i);
  f.forLoop(i, end, 16, () => {
    f.get(grads).get(i).i32Add().v128Load().get(vScale).f32x4Mul().set(g);
    f.get(vB1).get(m).get(i).i32Add().v128Load().f32x4Mul().get(v1mB1).get(g).f32x4Mul().f32x4Add().set(mi);
    f.get(vB2).get(v).get(i).i32Add().v128Load().f32x4Mul().get(v1mB2).get(g).f32x4Mul().get(g).f32x4Mul().f32x4Add().set(vi);
    f.get(m).get(i).i32Add().get(mi).v128Store();
    f.get(v).get(i).i32Add().get(vi).v128Store();
    f.get(params).get(i).i32Add();
    f.get(params).get(i).i32Add().v128Load();
    f.get(vLr).get(mi).get(vC1).f32x4Div().f32x4Mul();
    f.get(vi).get(vC2).f32x4Div().f32x4Sqrt().get(vEps).f32x4Add();
    f.f32x4Div().f32x4Sub().v128Store();
  });
  return f;
}

/** sumsq(ptr, pairs) -> f64: sum of squares of 2*pairs float32 values, in two float64 lanes. */
function sumsq(): FunctionBuilder {
  const f = new FunctionBuilder('sumsq', ['i32', 'i32'], ['f64']);
  const [ptr, pairs] = f.params;
  const i = f.local('i32');
  const acc = f.local('v128');
  const x = f.local('v128');
  f.v128Zero().set(acc);
  f.i32(0).set(i);
  f.forLoop(i, pairs, 1, () => {
    f.get(ptr).load64Zero().f64x2PromoteLow().tee(x).get(x).f64x2Mul().get(acc).f64x2Add().set(acc);
    f.addTo(ptr, 8);
  });
  // lane 0 + lane 1, as two f64 extract_lane ops (0xFD 33 lane)
  f.get(acc).op(0xfd, 33, 0).get(acc).op(0xfd, 33, 1).f64Add();
  return f;
}

export interface SimdExports {
  [name: `gemm_${number}_${number}`]: (
    colTiles: number,
    rowTiles: number,
    aRowTab: number,
    cRowTab: number,
    aColTab: number,
    bRowTab: number,
    aOff: number,
    bOff: number,
    cOff: number,
    P: number,
    accumulate: number,
    rowsOuter: number,
    bTileStride: number,
  ) => void;
  colsum(src: number, rows: number, cols: number, dst: number): void;
  pack_b(src: number, rowStride: number, P: number, tiles: number, dst: number): void;
  adam(
    params: number,
    grads: number,
    m: number,
    v: number,
    quads: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
    gradScale: number,
  ): void;
  sumsq(ptr: number, pairs: number): number;
  bias_relu(y: number, bias: number, rows: number, cols: number): void;
  bias_add(y: number, bias: number, rows: number, cols: number): void;
  relu_grad(dy: number, y: number, quads: number, dz: number): void;
  bias_elu(y: number, bias: number, rows: number, cols: number): void;
  elu_grad(dy: number, y: number, quads: number, dz: number): void;
  lstm_fwd(acts: number, cPrev: number, cell: number, hOut: number, hNext: number, cNext: number, units: number, keep: number): void;
  lstm_bwd(acts: number, cell: number, cPrev: number, dy: number, dh: number, dc: number, dG: number, units: number, keep: number): void;
}

let compiled: WebAssembly.Module | null = null;
let fmaChecked: boolean | null = null;

let fmaAllowed = true;

/**
 * Allows or forbids fused multiply-add in the kernels compiled from now on (default: allowed when the
 * engine validates relaxed SIMD). lib/nn/backend.ts forbids it for GRADIENT_DOJO_FMA=0, and on Node 20
 * switches V8's relaxed-SIMD flag on before the kernels are assembled (WebAssembly features are checked
 * when a module is compiled); browsers with relaxed SIMD (Chromium 114+) need nothing.
 */
export function allowFusedMultiplyAdd(allowed: boolean): void {
  if (allowed !== fmaAllowed) fmaChecked = null;
  fmaAllowed = allowed;
}

/**
 * Whether our products use relaxed-SIMD fused multiply-add (about 10-20% faster training here): the
 * engine accepts it and it is allowed (see `allowFusedMultiplyAdd`).
 */
export function relaxedSimdAvailable(): boolean {
  if (fmaChecked === null) {
    if (!fmaAllowed) {
      fmaChecked = false;
      return fmaChecked;
    }
    const probe = new FunctionBuilder('probe', ['i32'], []);
    const [p] = probe.params;
    probe.get(p).get(p).v128Load().get(p).v128Load().get(p).v128Load().f32x4RelaxedMadd().v128Store();
    fmaChecked = WebAssembly.validate(assembleModule([probe]));
  }
  return fmaChecked;
}

/** Compiles (once) and instantiates the kernels over `memory`. */
export function instantiateSimdKernels(memory: WebAssembly.Memory): SimdExports {
  if (!compiled) {
    const fma = relaxedSimdAvailable();
    const fns = [
      ...GEMM_TILES.map(([r, v]) => gemmTile(r, v, fma)),
      colsum(),
      packB(),
      adam(),
      sumsq(),
      biasAct(true),
      biasAct(false),
      reluGrad(),
      biasElu(),
      eluGrad(),
      lstmForward(),
      lstmBackward(),
    ];
    compiled = new WebAssembly.Module(assembleModule(fns));
  }
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return instance.exports as unknown as SimdExports;
}
