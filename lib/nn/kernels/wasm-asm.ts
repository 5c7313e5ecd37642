/**
 * A tiny WebAssembly assembler: just enough of the binary format (types, one imported memory, functions,
 * exports, code) and of the instruction set (integer arithmetic, f32/f64 scalars, 128-bit SIMD, structured
 * loops) to write the few numeric kernels in `simd-kernels.ts` without an external toolchain.
 *
 * Encoding facts from the WebAssembly core specification (binary format, sections 5.x) and the fixed-width
 * SIMD proposal (opcode table): SIMD instructions are prefix 0xFD followed by a LEB128 opcode.
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function f64Bytes(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}

function utf8(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

/** A local variable or parameter of the function being written. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** SIMD opcodes used by the kernels (after the 0xFD prefix). */
// biome-ignore format: opcode table, grouped by kind
const SIMD = {
  load: 0, load32Splat: 9, store: 11, const: 12, f32x4Splat: 19, f64x2Splat: 20,
  f32x4ExtractLane: 31, f32x4Add: 228, f32x4Sub: 229, f32x4Mul: 230,
  f32x4RelaxedMadd: 261, f32x4Div: 231, f32x4Sqrt: 227, f32x4Pmin: 234, f32x4Pmax: 235, f32x4Abs: 224, f32x4Neg: 225, f32x4Lt: 67, f32x4Gt: 68, v128And: 78, v128Bitselect: 82,
  i32x4Add: 174, i32x4Shl: 171, f64x2Sqrt: 239, f64x2Add: 240, f64x2Sub: 241, f64x2Mul: 242, f64x2Div: 243,
  f32x4DemoteF64x2Zero: 94, f64x2PromoteLowF32x4: 95, load64Zero: 93, store64Lane: 91,
} as const;

/** Builds the body of one function; every method appends instructions and returns `this`. */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  readonly params: Local[];

  constructor(
    readonly name: string,
    paramTypes: readonly ValType[],
    readonly results: readonly ValType[],
  ) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** A new local of the given type. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.localTypes.length, type };
    this.localTypes.push(type);
    return l;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(l: Local): this {
    return this.op(0x20, ...uleb(l.index));
  }
  set(l: Local): this {
    return this.op(0x21, ...uleb(l.index));
  }
  tee(l: Local): this {
    return this.op(0x22, ...uleb(l.index));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n | 0));
  }
  f64(x: number): this {
    return this.op(0x44, ...f64Bytes(x));
  }
  f32(x: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return this.op(0x43, ...b);
  }

  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Load(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }

  f32Load(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, 2, ...uleb(offset));
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f64Sqrt(): this {
    return this.op(0x9f);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }

  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }
  v128Load(offset = 0): this {
    return this.simd(SIMD.load, 4, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(SIMD.store, 4, ...uleb(offset));
  }
  /** Loads one f32 and copies it into all four lanes. */
  load32Splat(offset = 0): this {
    return this.simd(SIMD.load32Splat, 2, ...uleb(offset));
  }
  /** Loads two f32 (8 bytes) into the low lanes, zeroing the rest. */
  load64Zero(offset = 0): this {
    return this.simd(SIMD.load64Zero, 3, ...uleb(offset));
  }
  /** Stores the low 8 bytes (lane 0 of an i64x2 view). */
  store64Lane0(offset = 0): this {
    return this.simd(SIMD.store64Lane, 3, ...uleb(offset), 0);
  }
  v128Zero(): this {
    return this.simd(SIMD.const, ...new Array(16).fill(0));
  }
  f32x4Splat(): this {
    return this.simd(SIMD.f32x4Splat);
  }
  f64x2Splat(): this {
    return this.simd(SIMD.f64x2Splat);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(SIMD.f32x4ExtractLane, lane);
  }
  f32x4Add(): this {
    return this.simd(SIMD.f32x4Add);
  }
  f32x4Mul(): this {
    return this.simd(SIMD.f32x4Mul);
  }
  f32x4Sub(): this {
    return this.simd(SIMD.f32x4Sub);
  }
  /** a * b + c for stack [a, b, c], fused or not as the machine prefers (relaxed SIMD proposal). */
  f32x4RelaxedMadd(): this {
    return this.simd(SIMD.f32x4RelaxedMadd);
  }
  /** b < a ? b : a, one machine instruction (f32x4.min also orders NaN and signed zeros, which costs several). */
  f32x4Pmin(): this {
    return this.simd(SIMD.f32x4Pmin);
  }
  /** a < b ? b : a, one machine instruction. */
  f32x4Pmax(): this {
    return this.simd(SIMD.f32x4Pmax);
  }
  /** Lane mask: all ones where a > b. */
  f32x4Gt(): this {
    return this.simd(SIMD.f32x4Gt);
  }
  v128And(): this {
    return this.simd(SIMD.v128And);
  }
  f32x4Abs(): this {
    return this.simd(SIMD.f32x4Abs);
  }
  f32x4Neg(): this {
    return this.simd(SIMD.f32x4Neg);
  }
  /** Lane mask: all ones where a < b. */
  f32x4Lt(): this {
    return this.simd(SIMD.f32x4Lt);
  }
  /** (a & mask) | (b & ~mask) for stack [a, b, mask]. */
  v128Bitselect(): this {
    return this.simd(SIMD.v128Bitselect);
  }
  i32x4Add(): this {
    return this.simd(SIMD.i32x4Add);
  }
  /** Shifts each i32 lane left by an i32 count on the stack. */
  i32x4Shl(): this {
    return this.simd(SIMD.i32x4Shl);
  }
  f32x4Div(): this {
    return this.simd(SIMD.f32x4Div);
  }
  f32x4Sqrt(): this {
    return this.simd(SIMD.f32x4Sqrt);
  }
  f64x2Add(): this {
    return this.simd(SIMD.f64x2Add);
  }
  f64x2Sub(): this {
    return this.simd(SIMD.f64x2Sub);
  }
  f64x2Mul(): this {
    return this.simd(SIMD.f64x2Mul);
  }
  f64x2Div(): this {
    return this.simd(SIMD.f64x2Div);
  }
  f64x2Sqrt(): this {
    return this.simd(SIMD.f64x2Sqrt);
  }
  f64x2PromoteLow(): this {
    return this.simd(SIMD.f64x2PromoteLowF32x4);
  }
  f32x4DemoteZero(): this {
    return this.simd(SIMD.f32x4DemoteF64x2Zero);
  }

  /** `l += delta` for an i32 local. */
  addTo(l: Local, delta: number | Local): this {
    this.get(l);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta);
    return this.i32Add().set(l);
  }

  /**
   * `while (counter < limit) { body; counter += step }` with i32 locals; the body is not entered when
   * the condition is false at the start.
   */
  forLoop(counter: Local, limit: Local, step: number, body: () => void): this {
    this.op(0x02, 0x40); // block
    this.get(counter).get(limit).op(0x4e).op(0x0d, 0); // i32.ge_s; br_if 0 (exit)
    this.op(0x03, 0x40); // loop
    body();
    this.addTo(counter, step);
    this.get(counter).get(limit).i32LtS().op(0x0d, 0); // br_if 0 (repeat)
    this.op(0x0b, 0x0b); // end loop, end block
    return this;
  }

  /** `if (cond on stack) { body }`. */
  ifThen(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }

  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) groups.push([...uleb(1), VALTYPE[t]]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  typeKey(): string {
    return `${this.params.map((p) => p.type).join(',')}->${this.results.join(',')}`;
  }

  typeBytes(): number[] {
    return [0x60, ...vec(this.params.map((p) => [VALTYPE[p.type]])), ...vec(this.results.map((r) => [VALTYPE[r]]))];
  }
}

/** Assembles functions into a module that imports its memory as env.memory and exports every function. */
export function assembleModule(functions: readonly FunctionBuilder[]): Uint8Array {
  const typeIndex = new Map<string, number>();
  const types: number[][] = [];
  for (const f of functions) {
    if (!typeIndex.has(f.typeKey())) {
      typeIndex.set(f.typeKey(), types.length);
      types.push(f.typeBytes());
    }
  }
  const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
  const name = (s: string): number[] => [...uleb(utf8(s).length), ...utf8(s)];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    // import env.memory: memory type with min 1 page, no max
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(functions.map((f) => uleb(typeIndex.get(f.typeKey())!)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.encode()))),
  ];
  return Uint8Array.from(bytes);
}
