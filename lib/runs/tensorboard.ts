/**
 * A TensorBoard scalar writer with no dependencies: event files are TFRecord streams of `Event`
 * protocol buffers, so `tensorboard --logdir runs/` shows our training curves.
 *
 * TFRecord framing, per record: uint64 length (little-endian), uint32 masked CRC-32C of those 8
 * bytes, the payload, uint32 masked CRC-32C of the payload. The mask is
 * `((crc >>> 15) | (crc << 17)) + 0xa282ead8`.
 *
 * Protobuf messages written (field numbers from tensorflow/core/util/event.proto and summary.proto):
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// ---------- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) ----------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of a byte array (`crc32c(ascii '123456789') === 0xe3069283`). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked CRC TFRecord stores (so CRCs of data that itself contains CRCs stay well-behaved). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

// ---------- minimal protobuf encoding ----------

class ProtoWriter {
  private bytes: number[] = [];

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  /** A little-endian IEEE float field: 8 bytes (wire type 1, `double`) or 4 bytes (wire type 5, `float`). */
  private fixed(field: number, value: number, size: 4 | 8): this {
    this.key(field, size === 8 ? 1 : 5);
    const b = new Uint8Array(size);
    if (size === 8) new DataView(b.buffer).setFloat64(0, value, true);
    else new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  double(field: number, value: number): this {
    return this.fixed(field, value, 8);
  }

  float(field: number, value: number): this {
    return this.fixed(field, value, 4);
  }

  int64(field: number, value: number): this {
    this.key(field, 0);
    this.varint(BigInt(Math.trunc(value)));
    return this;
  }

  bytesField(field: number, payload: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(payload.length));
    for (let i = 0; i < payload.length; i++) this.bytes.push(payload[i]);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Encodes one Event holding scalar summaries. */
export function encodeScalarEvent(step: number, wallTime: number, scalars: Record<string, number>): Uint8Array {
  const summary = new ProtoWriter();
  for (const [tag, value] of Object.entries(scalars)) {
    summary.bytesField(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  }
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytesField(5, summary.finish()).finish();
}

function encodeVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, 'brain.Event:2').finish();
}

/** Frames one payload as a TFRecord. */
export function tfRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + payload.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}

/** Appends scalar summaries to `<dir>/events.out.tfevents.<seconds>.<host>`. */
export class TensorBoardWriter {
  readonly path: string;
  private fd: number;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    this.path = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}`);
    this.fd = openSync(this.path, 'a');
    writeSync(this.fd, tfRecord(encodeVersionEvent(now)));
  }

  /** Writes one Event with every scalar in `scalars` at `step`. Non-finite values are skipped. */
  scalars(step: number, scalars: Record<string, number>, wallTime = Date.now() / 1000): void {
    const finite: Record<string, number> = {};
    for (const [k, v] of Object.entries(scalars)) if (Number.isFinite(v)) finite[k] = v;
    if (Object.keys(finite).length === 0) return;
    writeSync(this.fd, tfRecord(encodeScalarEvent(step, wallTime, finite)));
  }

  flush(): void {
    if (this.fd >= 0) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

// ---------- reading back (for tests and reports) ----------

export interface ParsedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
}

class ProtoReader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  done(): boolean {
    return this.pos >= this.b.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.b.length) throw new Error('protobuf: truncated varint');
      const byte = this.b[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new Error('protobuf: field runs past the end of the message');
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** Yields [field, wireType, payload]; payload is a Uint8Array for fixed/length fields, bigint for varints. */
  *fields(): Generator<[number, number, Uint8Array | bigint]> {
    while (!this.done()) {
      const key = Number(this.varint());
      const field = key >>> 3;
      const wire = key & 7;
      if (wire === 0) yield [field, wire, this.varint()];
      else if (wire === 1) yield [field, wire, this.take(8)];
      else if (wire === 5) yield [field, wire, this.take(4)];
      else if (wire === 2) yield [field, wire, this.take(Number(this.varint()))];
      else throw new Error(`protobuf: unsupported wire type ${wire}`);
    }
  }
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Parses a TensorBoard event file, verifying every length and payload CRC. */
export function readEventFile(path: string): ParsedEvent[] {
  const buf = new Uint8Array(readFileSync(path));
  const events: ParsedEvent[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 12 > buf.length) throw new Error(`${path}: truncated record header at byte ${pos}`);
    const header = buf.subarray(pos, pos + 8);
    const len = Number(dv(buf).getBigUint64(pos, true));
    if (dv(buf).getUint32(pos + 8, true) !== maskedCrc32c(header)) throw new Error(`${path}: bad length CRC at byte ${pos}`);
    const payload = buf.subarray(pos + 12, pos + 12 + len);
    if (payload.length !== len || pos + 16 + len > buf.length) throw new Error(`${path}: truncated record at byte ${pos}`);
    if (dv(buf).getUint32(pos + 12 + len, true) !== maskedCrc32c(payload)) throw new Error(`${path}: bad data CRC at byte ${pos}`);
    pos += 16 + len;
    const ev: ParsedEvent = { wallTime: 0, step: 0, scalars: {} };
    for (const [field, , value] of new ProtoReader(payload).fields()) {
      if (field === 1) ev.wallTime = dv(value as Uint8Array).getFloat64(0, true);
      else if (field === 2) ev.step = Number(BigInt.asIntN(64, value as bigint));
      else if (field === 3) ev.fileVersion = new TextDecoder().decode(value as Uint8Array);
      else if (field === 5) {
        for (const [vf, , vb] of new ProtoReader(value as Uint8Array).fields()) {
          if (vf !== 1) continue;
          let tag = '';
          let simple = NaN;
          for (const [f, , x] of new ProtoReader(vb as Uint8Array).fields()) {
            if (f === 1) tag = new TextDecoder().decode(x as Uint8Array);
            else if (f === 2) simple = dv(x as Uint8Array).getFloat32(0, true);
          }
          ev.scalars[tag] = simple;
        }
      }
    }
    events.push(ev);
  }
  return events;
}
