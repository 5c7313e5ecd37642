/**
 * Plain-array building blocks for convolution gradients, shared by the wasm and cpu kernels:
 * im2col (transposed), col2im, a transpose and a register-blocked GEMM. Every function writes into a
 * caller-provided array (a view of the wasm heap, or a reusable scratch buffer) and allocates nothing.
 *
 * Layouts are channels-last throughout: an image batch is [n, h, w, c], a filter is [kh, kw, cin, cout],
 * so a filter seen as a matrix is [K, cout] with K = kh*kw*cin, and the output positions of a convolution
 * form M = n*outH*outW rows.
 */

/** The geometry of one 2-D convolution (as computed by tfjs's conv_util, reduced to what we use). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** K = kh*kw*cin, the length of one unrolled receptive field. */
export const fieldSize = (g: ConvGeometry): number => g.kH * g.kW * g.inC;
/** M = n*outH*outW, the number of output positions. */
export const positions = (g: ConvGeometry): number => g.batch * g.outH * g.outW;

/**
 * Writes colT[k * M + m] = x[n, oh*sh - padTop + kh*dh, ow*sw - padLeft + kw*dw, c] (0 outside the image),
 * with k = (kh*kW + kw)*inC + c and m = (n*outH + oh)*outW + ow. colT is [K, M] row-major, so the filter
 * gradient is the plain product colT @ dy[M, outC].
 */
export function im2colTransposed(x: Float32Array, xOff: number, g: ConvGeometry, colT: Float32Array, colOff: number): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const M = batch * outH * outW;
  const rowStrideX = inW * inC;
  const imageStrideX = inH * rowStrideX;
  const stepX = strideW * inC;
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      // Output columns whose input column lies inside the image: owLo <= ow < owHi.
      const colShift = kw * dilationW - padLeft;
      let owLo = colShift >= 0 ? 0 : Math.ceil(-colShift / strideW);
      let owHi = Math.min(outW, Math.floor((inW - 1 - colShift) / strideW) + 1);
      if (owHi < owLo) owHi = owLo;
      if (owLo > outW) owLo = outW;
      for (let c = 0; c < inC; c++) {
        let dst = colOff + ((kh * kW + kw) * inC + c) * M;
        for (let n = 0; n < batch; n++) {
          const imageBase = xOff + n * imageStrideX + c;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * strideH - padTop + kh * dilationH;
            if (ih < 0 || ih >= inH) {
              colT.fill(0, dst, dst + outW);
              dst += outW;
              continue;
            }
            let ow = 0;
            for (; ow < owLo; ow++) colT[dst++] = 0;
            let src = imageBase + ih * rowStrideX + (owLo * strideW + colShift) * inC;
            for (; ow < owHi; ow++) {
              colT[dst++] = x[src];
              src += stepX;
            }
            for (; ow < outW; ow++) colT[dst++] = 0;
          }
        }
      }
    }
  }
}

/**
 * Writes col[m * K + k] (the untransposed unrolling, [M, K] row-major): each row is one receptive field,
 * copied as kh*kw runs of inC contiguous channels. The forward convolution is col @ W[K, outC].
 */
export function im2col(x: Float32Array, xOff: number, g: ConvGeometry, col: Float32Array, colOff: number): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  let dst = colOff;
  for (let n = 0; n < batch; n++) {
    const imageBase = xOff + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw * dilationW;
            if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) {
              col.fill(0, dst, dst + inC);
            } else {
              const src = imageBase + (ih * inW + iw) * inC;
              for (let c = 0; c < inC; c++) col[dst + c] = x[src + c];
            }
            dst += inC;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: dx[n, ih, iw, c] = sum of dcol[m, k] over every (m, k) that im2col would have
 * read from (n, ih, iw, c). dx is overwritten (zeroed first).
 */
export function col2im(dcol: Float32Array, dcolOff: number, g: ConvGeometry, dx: Float32Array, dxOff: number): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  dx.fill(0, dxOff, dxOff + batch * inH * inW * inC);
  let src = dcolOff;
  for (let n = 0; n < batch; n++) {
    const imageBase = dxOff + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          const rowInside = ih >= 0 && ih < inH;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * strideW - padLeft + kw * dilationW;
            if (rowInside && iw >= 0 && iw < inW) {
              const dst = imageBase + (ih * inW + iw) * inC;
              for (let c = 0; c < inC; c++) dx[dst + c] += dcol[src + c];
            }
            src += inC;
          }
        }
      }
    }
  }
}

/** out[c * rows + r] = a[r * cols + c]: transposes a rows x cols row-major matrix, in 32x32 tiles. */
export function transpose2d(a: Float32Array, aOff: number, rows: number, cols: number, out: Float32Array, outOff: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        let src = aOff + r * cols + c0;
        let dst = outOff + c0 * rows + r;
        for (let c = c0; c < c1; c++) {
          out[dst] = a[src++];
          dst += rows;
        }
      }
    }
  }
}

/**
 * c[M, N] = a[M, K] @ b[K, N] (all row-major, contiguous), overwriting c. Four rows of `a` are processed
 * together so each loaded row of `b` feeds four accumulating rows of `c`.
 */
export function gemm(
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  c.fill(0, cOff, cOff + M * N);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const c0 = cOff + i * N,
      c1 = c0 + N,
      c2 = c1 + N,
      c3 = c2 + N;
    const a0 = aOff + i * K,
      a1 = a0 + K,
      a2 = a1 + K,
      a3 = a2 + K;
    for (let k = 0; k < K; k++) {
      const v0 = a[a0 + k],
        v1 = a[a1 + k],
        v2 = a[a2 + k],
        v3 = a[a3 + k];
      const bRow = bOff + k * N;
      for (let j = 0; j < N; j++) {
        const bv = b[bRow + j];
        c[c0 + j] += v0 * bv;
        c[c1 + j] += v1 * bv;
        c[c2 + j] += v2 * bv;
        c[c3 + j] += v3 * bv;
      }
    }
  }
  for (; i < M; i++) {
    const c0 = cOff + i * N,
      a0 = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const v0 = a[a0 + k];
      const bRow = bOff + k * N;
      for (let j = 0; j < N; j++) c[c0 + j] += v0 * b[bRow + j];
    }
  }
}

/**
 * im2col for data living in one big array (the wasm heap): col[m * K + k] as in `im2col`, but each
 * receptive-field row (kw = 0..kW-1 for one kh, all channels) is one contiguous run in both the image and
 * the column matrix when dilation is 1, so it is moved with a single `copyWithin` (a native memmove).
 * `x` and `col` are both offsets into `heap`, in elements.
 */
export function im2colInHeap(heap: Float32Array, xOff: number, g: ConvGeometry, colOff: number): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  if (dilationW !== 1) {
    im2col(heap, xOff, g, heap, colOff);
    return;
  }
  const rowLen = kW * inC;
  let dst = colOff;
  for (let n = 0; n < batch; n++) {
    const imageBase = xOff + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const kwLo = iw0 < 0 ? -iw0 : 0;
        const kwHi = Math.min(kW, inW - iw0);
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          if (ih < 0 || ih >= inH || kwHi <= kwLo) {
            heap.fill(0, dst, dst + rowLen);
          } else {
            if (kwLo > 0) heap.fill(0, dst, dst + kwLo * inC);
            const src = imageBase + (ih * inW + iw0 + kwLo) * inC;
            heap.copyWithin(dst + kwLo * inC, src, src + (kwHi - kwLo) * inC);
            if (kwHi < kW) heap.fill(0, dst + kwHi * inC, dst + rowLen);
          }
          dst += rowLen;
        }
      }
    }
  }
}

/** col2im with dilation-1 rows handled as one contiguous add per (position, kh); see `col2im`. */
export function col2imRows(dcol: Float32Array, dcolOff: number, g: ConvGeometry, dx: Float32Array, dxOff: number): void {
  const { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  if (dilationW !== 1) {
    col2im(dcol, dcolOff, g, dx, dxOff);
    return;
  }
  dx.fill(0, dxOff, dxOff + batch * inH * inW * inC);
  const rowLen = kW * inC;
  let src = dcolOff;
  for (let n = 0; n < batch; n++) {
    const imageBase = dxOff + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const kwLo = iw0 < 0 ? -iw0 : 0;
        const kwHi = Math.min(kW, inW - iw0);
        const len = (kwHi - kwLo) * inC;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          if (ih >= 0 && ih < inH && len > 0) {
            const d = imageBase + (ih * inW + iw0 + kwLo) * inC;
            const s = src + kwLo * inC;
            for (let i = 0; i < len; i++) dx[d + i] += dcol[s + i];
          }
          src += rowLen;
        }
      }
    }
  }
}
