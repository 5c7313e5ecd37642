/**
 * Drives the table-addressed SIMD gemm kernels of `simd-kernels.ts` over tfjs-backend-wasm's heap:
 * offset tables (cached per shape), tiling into 4-row x 8/4-column tiles, and chunking of the reduction
 * so a chunk's operands stay in cache. Also the convolution gradients expressed with it.
 */
import { instantiateSimdKernels, type SimdExports } from './simd-kernels';
import type { ConvGeometry } from './conv-math';

/** The parts of tfjs-backend-wasm's module object used here. */
export interface WasmModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  asm: { memory: WebAssembly.Memory };
  HEAP32: Int32Array;
}

/** Reduction steps per kernel call: keeps a chunk's A and B rows in L1/L2 across the column tiles. */
const P_CHUNK = 256;
/** Largest chunk of B (floats) the row-tiles-outer order keeps in cache: 256 KB of a 1 MB L2. */
const ROWS_OUTER_MAX_B = 65536;

export class SimdGemm {
  readonly k: SimdExports;
  private readonly tables = new Map<string, number>();
  /**
   * Tables dropped from the cache at its last clearing, freed at the next one. An operation looks up
   * several tables in a row (a product's row, column and output tables); freeing the whole cache at
   * once could free a table the same operation has just looked up and let the next lookup's `_malloc`
   * reuse its memory, so that the kernel reads another table's offsets (wrong, history-dependent
   * results). No operation looks up anywhere near 256 tables, so a table retired at one clearing is out
   * of use by the next.
   */
  private retired: number[] = [];

  constructor(private readonly wasm: WasmModule) {
    this.k = instantiateSimdKernels(wasm.asm.memory);
  }

  /** A cached i32 table of n byte offsets `fill(i)` in the heap; returns its byte address. */
  table(key: string, n: number, fill: (i: number) => number): number {
    let ptr = this.tables.get(key);
    if (ptr === undefined) {
      if (this.tables.size >= 256) this.clearTables();
      ptr = this.wasm._malloc(Math.max(4, n * 4));
      const h = this.wasm.HEAP32; // read after malloc: the heap may have grown
      const base = ptr >>> 2;
      for (let i = 0; i < n; i++) h[base + i] = fill(i);
      this.tables.set(key, ptr);
    }
    return ptr;
  }

  /** Offsets 0, stride, 2*stride, ... (n entries). */
  progression(n: number, strideBytes: number): number {
    return this.table(`p${n}:${strideBytes}`, n, (i) => i * strideBytes);
  }

  private clearTables(): void {
    for (const ptr of this.retired) this.wasm._free(ptr);
    this.retired = [...this.tables.values()];
    this.tables.clear();
  }

  /** How many tables are cached (for tests). */
  get cachedTables(): number {
    return this.tables.size;
  }

  /**
   * C(i, j) (+)= sum_p A(i, p) B(p, j) for i < I, j < J (J a multiple of 4), p < P, with
   * A(i, p) at aRow[i] + aCol[p] + aOff, B(p, j) at bRow[p] + bOff + 4j, C(i, j) at cRow[i] + cOff + 4j
   * (tables are byte addresses of i32 tables; offsets are bytes).
   * With `panelStride` B is packed in column panels (`packB`): B(p, j) at bRow[p] + bOff +
   * floor(j / 8) * panelStride + 4 (j % 8), and J must be a multiple of 8.
   */
  gemm(
    I: number,
    J: number,
    P: number,
    aRow: number,
    aCol: number,
    aOff: number,
    bRow: number,
    bOff: number,
    cRow: number,
    cOff: number,
    accumulate: boolean,
    panelStride?: number,
  ): void {
    if (J % 4 !== 0) throw new Error(`SimdGemm.gemm: J=${J} is not a multiple of 4`);
    if (panelStride !== undefined && J % 8 !== 0) throw new Error(`SimdGemm.gemm: J=${J} is not a multiple of 8, as packed panels need`);
    const tileStride = panelStride ?? 32;
    // Rows go in tiles of 4, and of 5 where that absorbs the remainder (I = 4a + r with a >= r: a - r
    // tiles of 4 and r of 5), e.g. 5 environments or 50 = 10 x 4 + 2 x 5. Only small odd sizes (1-3, 6, 7,
    // 11) leave rows for the one-row kernels, which reload B for every row. (5-row tiles everywhere are
    // slower: with 10 accumulators the engine runs short of registers when B is in cache.)
    let rows4 = I >> 2;
    let restRows = I & 3;
    let rows5 = 0;
    if (restRows && rows4 >= restRows) {
      rows5 = restRows;
      rows4 -= restRows;
      restRows = 0;
    }
    // Row tables past the 4-row tiles: the 5-row tiles, or else the single rows (never both).
    const aTail = aRow + 16 * rows4,
      cTail = cRow + 16 * rows4;
    const wide = J >> 3;
    const narrow = (J & 7) !== 0;
    // Visit row tiles in the outer loop when A is the larger operand and a chunk of B fits in L2 (see
    // gemm_R_V): e.g. a convolution's many positions against 32 filters. Then A's rows stay in L1 however
    // long they are, so when all of B fits the reduction needs no chunks (each chunk is one more pass
    // over C).
    const byRows = panelStride === undefined && I > J;
    const chunk = byRows && P * J <= ROWS_OUTER_MAX_B ? P : P > P_CHUNK ? P_CHUNK : P;
    const rowsOuter = byRows && chunk * J <= ROWS_OUTER_MAX_B ? 1 : 0;
    for (let p0 = 0; p0 < P || (P === 0 && p0 === 0); p0 += chunk) {
      const pc = Math.min(chunk, P - p0);
      const acc = accumulate || p0 > 0 ? 1 : 0;
      const ac = aCol + 4 * p0;
      const br = bRow + 4 * p0;
      if (wide && !restRows) {
        if (rows4) this.k.gemm_4_2(wide, rows4, aRow, cRow, ac, br, aOff, bOff, cOff, pc, acc, rowsOuter, tileStride);
        if (rows5) this.k.gemm_5_2(wide, rows5, aTail, cTail, ac, br, aOff, bOff, cOff, pc, acc, rowsOuter, tileStride);
      } else if (wide) {
        // With leftover rows, finish each column tile before the next so its B slice is still in cache.
        for (let t = 0, jo = 0, bo = 0; t < wide; t++, jo += 32, bo += tileStride) {
          if (rows4) this.k.gemm_4_2(1, rows4, aRow, cRow, ac, br, aOff, bOff + bo, cOff + jo, pc, acc, rowsOuter, tileStride);
          this.k.gemm_1_2(1, restRows, aTail, cTail, ac, br, aOff, bOff + bo, cOff + jo, pc, acc, rowsOuter, tileStride);
        }
      }
      if (narrow) {
        const jo = 32 * wide;
        if (rows4) this.k.gemm_4_1(1, rows4, aRow, cRow, ac, br, aOff, bOff + jo, cOff + jo, pc, acc, rowsOuter, 16);
        if (rows5) this.k.gemm_5_1(1, rows5, aTail, cTail, ac, br, aOff, bOff + jo, cOff + jo, pc, acc, rowsOuter, 16);
        if (restRows) this.k.gemm_1_1(1, restRows, aTail, cTail, ac, br, aOff, bOff + jo, cOff + jo, pc, acc, rowsOuter, 16);
      }
      if (P === 0) break;
    }
  }

  /** c[I, J] = a[I, P] @ b[P, J] (or a[P, I]^T b), all row-major at byte addresses; J a multiple of 4. */
  matMul(I: number, J: number, P: number, a: number, b: number, c: number, transposeA = false): void {
    const aRow = transposeA ? this.progression(I, 4) : this.progression(I, P * 4);
    const aCol = transposeA ? this.progression(P, I * 4) : this.progression(P, 4);
    if (worthPacking(I, J)) this.gemmPackedB(I, J, P, aRow, aCol, a, b, J * 4, this.progression(I, J * 4), c, false);
    else this.gemm(I, J, P, aRow, aCol, a, this.progression(P, J * 4), b, this.progression(I, J * 4), c, false);
  }

  /**
   * Copies the first J columns (a multiple of 8) of a row-major [P, *] matrix at byte address `b`, rows
   * `rowStride` bytes apart, into column panels at `dst` (P * J floats): see `pack_b`. Returns the
   * panel stride in bytes, for `gemm`'s `panelStride`.
   */
  packB(b: number, rowStride: number, P: number, J: number, dst: number): number {
    this.k.pack_b(b, rowStride, P, J >> 3, dst);
    return P * 32;
  }

  /** `gemm` with a row-major B (rows bRowStride bytes apart) packed into column panels first. */
  gemmPackedB(
    I: number,
    J: number,
    P: number,
    aRow: number,
    aCol: number,
    aOff: number,
    b: number,
    bRowStride: number,
    cRow: number,
    cOff: number,
    accumulate: boolean,
  ): void {
    const panels = this.wasm._malloc(Math.max(16, P * J * 4));
    try {
      const stride = this.packB(b, bRowStride, P, J, panels);
      this.gemm(I, J, P, aRow, aCol, aOff, this.progression(P, 32), panels, cRow, cOff, accumulate, stride);
    } finally {
      this.wasm._free(panels);
    }
  }

  /** Byte offsets of each output position's top-left input pixel (relative to the image batch). */
  private positionTable(g: ConvGeometry): number {
    const key = `pos${g.batch}:${g.inH}:${g.inW}:${g.inC}:${g.outH}:${g.outW}:${g.strideH}:${g.strideW}`;
    const perImage = g.outH * g.outW;
    return this.table(key, g.batch * perImage, (m) => {
      const n = Math.floor(m / perImage);
      const r = m - n * perImage;
      const oh = Math.floor(r / g.outW);
      const ow = r - oh * g.outW;
      return 4 * (((n * g.inH + oh * g.strideH) * g.inW + ow * g.strideW) * g.inC);
    });
  }

  /** Byte offsets of each (kh, kw, c) of a receptive field relative to its top-left pixel. */
  private fieldTable(g: ConvGeometry): number {
    const key = `field${g.kH}:${g.kW}:${g.inC}:${g.inW}:${g.dilationH}:${g.dilationW}`;
    return this.table(key, g.kH * g.kW * g.inC, (k) => {
      const c = k % g.inC;
      const kw = Math.floor(k / g.inC) % g.kW;
      const kh = Math.floor(k / (g.inC * g.kW));
      return 4 * ((kh * g.dilationH * g.inW + kw * g.dilationW) * g.inC + c);
    });
  }

  /** Forward convolution y[M, outC] = field(x)[M, K] @ W[K, outC], reading receptive fields in place. */
  conv(g: ConvGeometry, x: number, w: number, y: number): void {
    const K = g.kH * g.kW * g.inC;
    const M = g.batch * g.outH * g.outW;
    this.gemm(
      M,
      g.outC,
      K,
      this.positionTable(g),
      this.fieldTable(g),
      x,
      this.progression(K, g.outC * 4),
      w,
      this.progression(M, g.outC * 4),
      y,
      false,
    );
  }

  /** Filter gradient dW[K, outC] = sum over positions of field(x) x dy, with no unrolled copy of x. */
  convFilterGrad(g: ConvGeometry, x: number, dy: number, dW: number): void {
    const K = g.kH * g.kW * g.inC;
    const M = g.batch * g.outH * g.outW;
    this.gemm(
      K,
      g.outC,
      M,
      this.fieldTable(g),
      this.positionTable(g),
      x,
      this.progression(M, g.outC * 4),
      dy,
      this.progression(K, g.outC * 4),
      dW,
      false,
    );
  }

  /**
   * Input gradient: for each filter tap (kh, kw), dx[position + tap] += dy[position] @ W[kh, kw]^T, with
   * `wT` holding W transposed per tap ([kh*kw][outC][inC]). `dx` must be zeroed first.
   */
  convInputGrad(g: ConvGeometry, dy: number, wT: number, dx: number): void {
    const M = g.batch * g.outH * g.outW;
    const positions = this.positionTable(g);
    const dyRows = this.progression(M, g.outC * 4);
    const dyCols = this.progression(g.outC, 4);
    const wRows = this.progression(g.outC, g.inC * 4);
    for (let kh = 0; kh < g.kH; kh++) {
      for (let kw = 0; kw < g.kW; kw++) {
        const tap = kh * g.kW + kw;
        const tapOffset = 4 * ((kh * g.dilationH * g.inW + kw * g.dilationW) * g.inC);
        this.gemm(M, g.inC, g.outC, dyRows, dyCols, dy, wRows, wT + 4 * tap * g.outC * g.inC, positions, dx + tapOffset, true);
      }
    }
  }
}

/**
 * Whether packing B into column panels pays for its copy: B is wide (rows 2 KB or more apart, where
 * read in place they crowd a few L1 sets) and A has rows enough to reuse each panel.
 */
export function worthPacking(I: number, J: number): boolean {
  return J % 8 === 0 && J >= 512 && I >= 8;
}

/** True when every receptive field lies inside the image (no padding), which the table kernels need. */
export function fieldsInside(g: ConvGeometry): boolean {
  return (
    g.padTop === 0 &&
    g.padLeft === 0 &&
    (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH < g.inH &&
    (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW < g.inW
  );
}
