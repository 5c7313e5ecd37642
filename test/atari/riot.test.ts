import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Riot, RIOT_STATE_BYTES } from '../../lib/atari/riot';
import { Mt19937 } from '../../lib/util/rng';

const SEED = 4753849;

test('power-on RAM is 128 draws of the console RNG; each reset draws the timer start 25 + draw % 75', () => {
  const riot = new Riot(new Mt19937(SEED));
  const ref = new Mt19937(SEED);
  for (let i = 0; i < 128; i++) assert.equal(riot.ram[i], ref.nextU32() & 0xff);
  assert.equal(riot.timerState.timer, 25 + (ref.nextU32() % 75));
  assert.equal(riot.timerState.intervalShift, 6);
  riot.ram[5] = 0x42;
  riot.reset();
  assert.equal(riot.timerState.timer, 25 + (ref.nextU32() % 75));
  assert.equal(riot.ram[5], 0x42, 'reset keeps RAM');
});

test('timer counts down at the programmed interval; the first read after the write shows value - 1', () => {
  const riot = new Riot(new Mt19937(SEED));
  riot.write(0x296, 10, 1000); // TIM64T
  assert.equal(riot.read(0x284, 1001), 9);
  assert.equal(riot.read(0x284, 1064), 9);
  assert.equal(riot.read(0x284, 1065), 8);
  assert.equal(riot.read(0x285, 1640), 0x00, 'TIMINT clear before underflow');
  assert.equal(riot.read(0x284, 1640), 0);
  // Underflow at delta 640: reads 0xFF, TIMINT set.
  assert.equal(riot.read(0x285, 1641), 0x80);
  assert.equal(riot.read(0x284, 1641), 0xff);
  // Read two cycles after: offset 2 from the interval count, TIMINT cleared.
  assert.equal(riot.read(0x284, 1642), 0xfe);
  assert.equal(riot.read(0x285, 1643), 0x00);
  assert.equal(riot.read(0x284, 1706), 0xfd);
});

test('after underflow, an unread timer counts one per cycle; the first read fixes the offset', () => {
  const riot = new Riot(new Mt19937(SEED));
  riot.write(0x296, 10, 1000);
  assert.equal(riot.read(0x284, 1700), 0xc4); // 640 - 699 - 1 = -60
  // ...then counts at the interval again, in step with the original schedule (delta 704 = 11 * 64).
  assert.equal(riot.read(0x284, 1704), 0xc4);
  assert.equal(riot.read(0x284, 1705), 0xc3);
  // A new write restarts the timer and the flag logic.
  riot.write(0x294, 3, 2000); // TIM1T
  assert.equal(riot.read(0x284, 2001), 2);
  assert.equal(riot.read(0x284, 2003), 0);
  assert.equal(riot.read(0x285, 2004), 0x80);
});

test('the four prescalers: TIM1T, TIM8T, TIM64T, T1024T', () => {
  const riot = new Riot(new Mt19937(SEED));
  const shifts = [0, 3, 6, 10];
  [0x294, 0x295, 0x296, 0x297].forEach((addr, k) => {
    riot.write(addr, 100, 0);
    assert.equal(riot.timerState.intervalShift, shifts[k]);
    const step = 1 << shifts[k];
    assert.equal(riot.read(0x284, 1 + 5 * step), 94);
  });
});

test('ports: SWCHA/SWCHB read the inputs, DDRA is writable, DDRB and port B writes are ignored', () => {
  const riot = new Riot(new Mt19937(SEED));
  riot.portA = 0xef;
  riot.portB = 0x0b;
  riot.write(0x281, 0xf0, 10);
  riot.write(0x283, 0xff, 10);
  riot.write(0x282, 0x00, 10);
  assert.equal(riot.read(0x280, 11), 0xef);
  assert.equal(riot.read(0x281, 11), 0xf0);
  assert.equal(riot.read(0x282, 11), 0x0b);
  assert.equal(riot.read(0x283, 11), 0x00);
});

test('cycle-counter reset keeps the timer continuous', () => {
  const a = new Riot(new Mt19937(SEED));
  const b = new Riot(new Mt19937(SEED));
  a.write(0x296, 50, 5000);
  b.write(0x296, 50, 5000);
  b.cyclesReset(4000);
  for (const c of [5001, 5500, 8000, 8300, 9000]) assert.equal(b.read(0x284, c - 4000), a.read(0x284, c), `cycle ${c}`);
});

test('state save/restore is exact', () => {
  const riot = new Riot(new Mt19937(SEED));
  riot.write(0x297, 7, 123);
  riot.read(0x284, 9000);
  const saved = riot.saveState();
  assert.equal(saved.length, RIOT_STATE_BYTES);
  const other = new Riot(new Mt19937(1));
  other.loadState(saved);
  assert.deepEqual(other.ram, riot.ram);
  assert.deepEqual(other.timerState, riot.timerState);
  for (const c of [9001, 9500, 20000]) assert.equal(other.read(0x284, c), riot.read(0x284, c));
});

test('timerPollsNonzero counts exactly the reads that return nonzero before the timer underflows', () => {
  for (const [reg, value] of [
    [0x294, 3],
    [0x295, 40],
    [0x296, 37],
    [0x297, 2],
    [0x296, 1],
    [0x296, 0],
  ] as const) {
    for (const period of [1, 5, 7, 9, 70]) {
      for (const after of [1, 2, 30, 700]) {
        const riot = new Riot(new Mt19937(SEED));
        riot.write(reg, value, 1000);
        const first = 1000 + after;
        const k = riot.timerPollsNonzero(first, period);
        // Reading for real: k nonzero values without touching the timer's state, then a zero or an underflowed timer.
        for (let j = 0; j < k; j++) assert.notEqual(riot.read(0x284, first + j * period), 0, `read ${j}`);
        assert.equal(riot.timerState.readAfterInterrupt, false, 'no side effect');
        const next = riot.read(0x285, first + k * period) === 0x80 ? 'underflowed' : riot.read(0x284, first + k * period);
        assert.ok(
          next === 0 || next === 'underflowed',
          `reg ${reg.toString(16)} value ${value} period ${period} after ${after}: read ${k} gives ${next}`,
        );
      }
    }
  }
});
