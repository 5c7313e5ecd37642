import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskedCrc32c, readEventFile, TensorBoardWriter } from '../../lib/runs/tensorboard';

test('crc32c matches the standard check value', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 test vector: 32 zero bytes
  assert.equal(maskedCrc32c(new Uint8Array(0)), ((((0 >>> 15) | (0 << 17)) >>> 0) + 0xa282ead8) >>> 0);
});

test('event file round-trips: version record then scalar events, CRCs verified', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-'));
  try {
    const w = new TensorBoardWriter(dir);
    w.scalars(10, { 'episode/return': 21.5, 'loss/policy': -0.25 }, 1000.5);
    w.scalars(2 ** 40, { 'loss/value': 3 }, 1001);
    w.scalars(11, { skipped: NaN }); // nothing finite: nothing written
    w.close();
    // Every TensorFlow event file starts with the same 12 bytes: the 24-byte version record's length
    // and its masked CRC.
    assert.deepEqual([...readFileSync(w.path).subarray(0, 12)], [0x18, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0x7f, 0x4b, 0x22]);
    const events = readEventFile(w.path);
    assert.equal(events.length, 3);
    assert.equal(events[0].fileVersion, 'brain.Event:2');
    assert.deepEqual(events[1], { wallTime: 1000.5, step: 10, scalars: { 'episode/return': 21.5, 'loss/policy': -0.25 } });
    assert.deepEqual(events[2], { wallTime: 1001, step: 2 ** 40, scalars: { 'loss/value': 3 } });

    // a flipped byte in a payload is detected
    const bytes = readFileSync(w.path);
    bytes[bytes.length - 6] ^= 0xff;
    writeFileSync(w.path, bytes);
    assert.throws(() => readEventFile(w.path), /bad data CRC/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
