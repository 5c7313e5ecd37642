/**
 * lib/util/md5.ts (the MD5 that identifies ROMs in Node and in the live book's browser) against Node's
 * node:crypto, on lengths around the padding boundaries (55, 56, 63, 64 bytes...) and ROM-sized inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { md5Hex } from '../../lib/util/md5';
import { Rng } from '../../lib/util/rng';

test('md5Hex agrees with node:crypto on every length up to 200 bytes and on ROM sizes', () => {
  const rng = new Rng(5);
  const lengths = [...Array.from({ length: 201 }, (_, n) => n), 2048, 4096, 8192, 16384, 32768];
  for (const n of lengths) {
    const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
    assert.equal(md5Hex(bytes), createHash('md5').update(bytes).digest('hex'), `${n} bytes`);
  }
});

test("md5Hex of RFC 1321's test strings", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(md5Hex(enc('')), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(md5Hex(enc('abc')), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(
    md5Hex(enc('12345678901234567890123456789012345678901234567890123456789012345678901234567890')),
    '57edf4a22be3c955ac49da2e2107b67a',
  );
});
