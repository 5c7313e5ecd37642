/**
 * The TIA (Television Interface Adaptor) as ALE's Stella 2.4.2 core models it.
 *
 * Video is produced lazily: the frame buffer is brought up to date (pixel by pixel, colour clock by
 * colour clock) only when the CPU touches the TIA, so a register change takes effect at the colour
 * clock of the write (plus Stella's per-register delay). Objects are described by a start position
 * (0..159) and a mask table giving, for every horizontal offset from that position, whether (and
 * which bit of the graphics register) is shown; collisions are latched while pixels are drawn.
 *
 * Clocks are kept exactly as Stella keeps them: the CPU's cycle counter restarts from 0 on system
 * reset and at the start of every frame (the TIA resets it and reports the reset through
 * `onCyclesReset`, so the RIOT can rebase its timer), and colour clocks are that count times 3.
 */

/** What the TIA needs from the CPU: the cycle counter, the kind of the previous bus access, a stop request. */
export interface TiaCpu {
  cycles: number;
  readonly lastAccessWasRead: boolean;
  stop(): void;
}

/** Display settings taken from Stella's per-ROM properties (Display.YStart, Display.Height, Emulation.HmoveBlanks). */
export interface TiaDisplayOptions {
  yStart?: number;
  height?: number;
  hmoveBlanks?: boolean;
}

/** Resistance meaning "no paddle / not connected" (Stella's Controller::maximumResistance). */
export const MAX_RESISTANCE = 0x7fffffff;

const HBLANK = 68;
const FRAME_BUFFER_LINES = 300;

// Object bits (as in Stella's TIA): they index the collision and priority tables.
const P0_BIT = 0x01;
const M0_BIT = 0x02;
const P1_BIT = 0x04;
const M1_BIT = 0x08;
const BL_BIT = 0x10;
const PF_BIT = 0x20;
const SCORE_BIT = 0x40;
const PRIORITY_BIT = 0x80;

// ---------------------------------------------------------------------------------------------
// Static tables
// ---------------------------------------------------------------------------------------------

/** Start offsets of the copies of a player/missile for each NUSIZ number-of-copies value. */
const COPY_STARTS: readonly (readonly number[])[] = [[0], [0, 16], [0, 32], [0, 16, 32], [0, 64], [0], [0, 32, 64], [0]];

/** Playfield masks: for reflect 0/1 and pixel x, the bit of the 20-bit PF register shown there. */
const PF_MASKS = new Uint32Array(2 * 160);
/** Player masks, [enableFirstCopy? 0 : 1][mode][320]: graphics bit shown at offset k (mod 160) from the position. */
const PLAYER_MASKS = new Uint8Array(2 * 8 * 320);
/** Missile masks [copies][size][320] followed by 320 zeros (the "disabled" mask). */
const MISSILE_MASKS = new Uint8Array(8 * 4 * 320 + 320);
const MISSILE_DISABLED = 8 * 4 * 320;
/** Ball masks [size][320]. */
const BALL_MASKS = new Uint8Array(4 * 320);
/** Collision latch bits set by a combination of object bits. */
const COLLISIONS = new Uint16Array(64);
/** For each object bit, the collision latches that pair it with another object. */
const LATCHES_OF = new Uint16Array(64);
/** Colour slot (0 BK, 1 PF, 2 P0, 3 P1) for [right half][object bits | score | priority]. */
const PRIORITY = new Uint8Array(2 * 256);
const REFLECT = new Uint8Array(256);
/** Stella's per-register render delay in colour clocks (-1: playfield registers, see PF_DELAYS). */
const POKE_DELAY = new Int8Array(64);
const PF_DELAYS = [4, 5, 2, 3];
/** Cycles (0..75) of the line at which an HMOVE turns the 8-pixel HMOVE blank on. */
const HMOVE_BLANK_CYCLES = new Uint8Array(76);
/** Position change applied by HMOVE at [cycle of the line * 16 + motion nibble]. */
const MOTION = new Int8Array(76 * 16);
const COSMIC_ARK_STEPS = [18, 33, 0, 17];
/**
 * Registers whose write needs the picture drawn up to the write first. Stella draws before every
 * write; skipping it for WSYNC, RSYNC, audio, HMxx and HMCLR changes nothing, because drawing later
 * with the same state produces the same pixels. Not listed either: the colours, GRP0/GRP1 and
 * NUSIZ0/NUSIZ1, whose cases in `write` draw first only when the write changes what drawing depends
 * on (a colour rewritten with its value, graphics that end up the same are frequent).
 */
const DRAW_FIRST = new Uint8Array(64);

function buildTables(): void {
  for (let x = 0; x < 160; x++) {
    let m: number;
    if (x < 16) m = 1 << (x >> 2);
    else if (x < 48) m = 0x800 >>> ((x - 16) >> 2);
    else if (x < 80) m = 0x1000 << ((x - 48) >> 2);
    else if (x < 96) m = 1 << ((x - 80) >> 2);
    else if (x < 128) m = 0x800 >>> ((x - 96) >> 2);
    else m = 0x1000 << ((x - 128) >> 2);
    PF_MASKS[x] = m;
    let r: number;
    if (x < 16) r = 1 << (x >> 2);
    else if (x < 48) r = 0x800 >>> ((x - 16) >> 2);
    else if (x < 80) r = 0x1000 << ((x - 48) >> 2);
    else if (x < 112) r = 0x80000 >>> ((x - 80) >> 2);
    else if (x < 144) r = 0x10 << ((x - 112) >> 2);
    else r = 0x8 >>> ((x - 144) >> 2);
    PF_MASKS[160 + x] = r;
  }

  for (let enable = 0; enable < 2; enable++) {
    for (let mode = 0; mode < 8; mode++) {
      const row = (enable * 8 + mode) * 320;
      for (let d = 0; d < 160; d++) {
        let v = 0;
        if (mode === 5 || mode === 7) {
          // Double and quad width players start one pixel late.
          const scale = mode === 5 ? 2 : 4;
          if (enable === 0 && d > 0 && d <= 8 * scale) v = 0x80 >> (((d - 1) / scale) | 0);
        } else {
          COPY_STARTS[mode].forEach((c, i) => {
            if ((i > 0 || enable === 0) && d >= c && d < c + 8) v = 0x80 >> (d - c);
          });
        }
        PLAYER_MASKS[row + d] = v;
        PLAYER_MASKS[row + 160 + d] = v;
      }
    }
  }

  for (let copies = 0; copies < 8; copies++) {
    for (let size = 0; size < 4; size++) {
      const row = (copies * 4 + size) * 320;
      for (let d = 0; d < 160; d++) {
        let v = 0;
        for (const c of COPY_STARTS[copies]) if (d >= c && d < c + (1 << size)) v = 1;
        MISSILE_MASKS[row + d] = v;
        MISSILE_MASKS[row + 160 + d] = v;
      }
    }
  }

  for (let size = 0; size < 4; size++) {
    for (let d = 0; d < 160; d++) {
      const v = d < 1 << size ? 1 : 0;
      BALL_MASKS[size * 320 + d] = v;
      BALL_MASKS[size * 320 + 160 + d] = v;
    }
  }

  // biome-ignore format: a table, four object pairs and their latch bit per row
  const pairs: [number, number, number][] = [
    [M0_BIT, P1_BIT, 0x0001], [M0_BIT, P0_BIT, 0x0002], [M1_BIT, P0_BIT, 0x0004], [M1_BIT, P1_BIT, 0x0008],
    [P0_BIT, PF_BIT, 0x0010], [P0_BIT, BL_BIT, 0x0020], [P1_BIT, PF_BIT, 0x0040], [P1_BIT, BL_BIT, 0x0080],
    [M0_BIT, PF_BIT, 0x0100], [M0_BIT, BL_BIT, 0x0200], [M1_BIT, PF_BIT, 0x0400], [M1_BIT, BL_BIT, 0x0800],
    [BL_BIT, PF_BIT, 0x1000], [P0_BIT, P1_BIT, 0x2000], [M0_BIT, M1_BIT, 0x4000],
  ];
  for (let i = 0; i < 64; i++) {
    let c = 0;
    for (const [a, b, bit] of pairs) if (i & a && i & b) c |= bit;
    COLLISIONS[i] = c;
  }
  for (const [a, b, bit] of pairs) {
    LATCHES_OF[a] |= bit;
    LATCHES_OF[b] |= bit;
  }

  for (let half = 0; half < 2; half++) {
    for (let e = 0; e < 256; e++) {
      let color = 0;
      if (e & PRIORITY_BIT) {
        if (e & (P1_BIT | M1_BIT)) color = 3;
        if (e & (P0_BIT | M0_BIT)) color = 2;
        if (e & BL_BIT) color = 1;
        if (e & PF_BIT) color = 1;
      } else {
        if (e & BL_BIT) color = 1;
        if (e & PF_BIT) color = e & SCORE_BIT ? (half === 0 ? 2 : 3) : 1;
        // In score mode the left playfield keeps player 0's colour even under player 1 (as in Stella).
        if (e & (P1_BIT | M1_BIT)) color = color !== 2 ? 3 : 2;
        if (e & (P0_BIT | M0_BIT)) color = 2;
      }
      PRIORITY[half * 256 + e] = color;
    }
  }

  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
    REFLECT[i] = r;
  }

  POKE_DELAY.set([0, 1, 0, 0, 8, 8, 0, 0, 0, 0, 0, 1, 1, -1, -1, -1, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);

  for (let a = 0; a < 0x2d; a++) DRAW_FIRST[a] = 1;
  // biome-ignore format: a list of registers
  for (const a of [0x02, 0x03, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x20, 0x21, 0x22, 0x23, 0x24, 0x2b, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x1b, 0x1c]) {
    DRAW_FIRST[a] = 0;
  }

  for (let c = 0; c < 76; c++) HMOVE_BLANK_CYCLES[c] = c <= 20 || c === 75 ? 1 : 0;

  // HMOVE motion per cycle of the line: during horizontal blank the full motion applies
  // (nibble 0..7 moves left 0..7, 8..15 moves right 8..1); later in the line only part of it
  // takes effect (Stella's "complete motion table", reproduced row by row).
  // biome-ignore format: a table, two lines of the motion table per row
  const rows: string[] = [
    '0 -1 -2 -3 -4 -5 -6 -7 8 7 6 5 4 3 2 1', '0 -1 -2 -3 -4 -5 -6 -7 8 7 6 5 4 3 2 1',
    '0 -1 -2 -3 -4 -5 -6 -7 8 7 6 5 4 3 2 1', '0 -1 -2 -3 -4 -5 -6 -7 8 7 6 5 4 3 2 1',
    '0 -1 -2 -3 -4 -5 -6 -6 8 7 6 5 4 3 2 1', '0 -1 -2 -3 -4 -5 -5 -5 8 7 6 5 4 3 2 1',
    '0 -1 -2 -3 -4 -5 -5 -5 8 7 6 5 4 3 2 1', '0 -1 -2 -3 -4 -4 -4 -4 8 7 6 5 4 3 2 1',
    '0 -1 -2 -3 -3 -3 -3 -3 8 7 6 5 4 3 2 1', '0 -1 -2 -2 -2 -2 -2 -2 8 7 6 5 4 3 2 1',
    '0 -1 -2 -2 -2 -2 -2 -2 8 7 6 5 4 3 2 1', '0 -1 -1 -1 -1 -1 -1 -1 8 7 6 5 4 3 2 1',
    '0 0 0 0 0 0 0 0 8 7 6 5 4 3 2 1', '1 1 1 1 1 1 1 1 8 7 6 5 4 3 2 1',
    '1 1 1 1 1 1 1 1 8 7 6 5 4 3 2 1', '2 2 2 2 2 2 2 2 8 7 6 5 4 3 2 2',
    '3 3 3 3 3 3 3 3 8 7 6 5 4 3 3 3', '4 4 4 4 4 4 4 4 8 7 6 5 4 4 4 4',
    '4 4 4 4 4 4 4 4 8 7 6 5 4 4 4 4', '5 5 5 5 5 5 5 5 8 7 6 5 5 5 5 5',
    '6 6 6 6 6 6 6 6 8 7 6 6 6 6 6 6',
  ];
  for (let c = 21; c <= 54; c++) rows.push('0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0');
  rows.push(
    '0 0 0 0 0 0 0 -1 0 0 0 0 0 0 0 0',
    '0 0 0 0 0 0 -1 -2 0 0 0 0 0 0 0 0',
    '0 0 0 0 0 -1 -2 -3 0 0 0 0 0 0 0 0',
    '0 0 0 0 0 -1 -2 -3 0 0 0 0 0 0 0 0',
    '0 0 0 0 -1 -2 -3 -4 0 0 0 0 0 0 0 0',
    '0 0 0 -1 -2 -3 -4 -5 0 0 0 0 0 0 0 0',
    '0 0 -1 -2 -3 -4 -5 -6 0 0 0 0 0 0 0 0',
    '0 0 -1 -2 -3 -4 -5 -6 0 0 0 0 0 0 0 0',
    '0 -1 -2 -3 -4 -5 -6 -7 0 0 0 0 0 0 0 0',
    '-1 -2 -3 -4 -5 -6 -7 -8 0 0 0 0 0 0 0 0',
    '-2 -3 -4 -5 -6 -7 -8 -9 0 0 0 0 0 0 0 -1',
    '-2 -3 -4 -5 -6 -7 -8 -9 0 0 0 0 0 0 0 -1',
    '-3 -4 -5 -6 -7 -8 -9 -10 0 0 0 0 0 0 -1 -2',
    '-4 -5 -6 -7 -8 -9 -10 -11 0 0 0 0 0 -1 -2 -3',
    '-5 -6 -7 -8 -9 -10 -11 -12 0 0 0 0 -1 -2 -3 -4',
    '-5 -6 -7 -8 -9 -10 -11 -12 0 0 0 0 -1 -2 -3 -4',
    '-6 -7 -8 -9 -10 -11 -12 -13 0 0 0 -1 -2 -3 -4 -5',
    '-7 -8 -9 -10 -11 -12 -13 -14 0 0 -1 -2 -3 -4 -5 -6',
    '-8 -9 -10 -11 -12 -13 -14 -15 0 -1 -2 -3 -4 -5 -6 -7',
    '-8 -9 -10 -11 -12 -13 -14 -15 0 -1 -2 -3 -4 -5 -6 -7',
    '0 -1 -2 -3 -4 -5 -6 -7 8 7 6 5 4 3 2 1',
  );
  if (rows.length !== 76) throw new Error(`internal: motion table has ${rows.length} rows`);
  rows.forEach((row, c) => row.split(' ').forEach((v, i) => (MOTION[c * 16 + i] = Number(v))));
}
buildTables();

/**
 * For each row of a mask table, the runs of offsets (from the object's position) where the mask is
 * non-zero: [count, start0, length0, start1, length1, start2, length2]. Runs never wrap past 159.
 */
function maskSpans(table: Uint8Array, rows: number): Int16Array {
  const out = new Int16Array(rows * 7);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let d = 0; d < 160; d++) {
      if (table[r * 320 + d] && (d === 0 || !table[r * 320 + d - 1])) {
        let len = 0;
        while (d + len < 160 && table[r * 320 + d + len]) len++;
        if (n === 3) throw new Error('internal: more than 3 copies in a mask row');
        out[r * 7 + 1 + 2 * n] = d;
        out[r * 7 + 2 + 2 * n] = len;
        n++;
      }
    }
    out[r * 7] = n;
  }
  return out;
}
const PLAYER_SPANS = maskSpans(PLAYER_MASKS, 16);
const MISSILE_SPANS = maskSpans(MISSILE_MASKS, 32);
const BALL_SPANS = maskSpans(BALL_MASKS, 4);

/** Where a RESPx write falls relative to the copies of the player: -1 in a copy's 4-clock start delay, 1 while a copy is drawn, 0 elsewhere. */
function playerResetWhen(mode: number, oldPos: number, newPos: number): number {
  const d = (newPos - oldPos + 160) % 160;
  const width = mode === 5 ? 16 : mode === 7 ? 32 : 8;
  for (const c of COPY_STARTS[mode]) {
    if (d >= c && d < c + 4) return -1;
    if (d >= c + 4 && d < c + 4 + width) return 1;
  }
  return 0;
}

const playerMaskBase = (pos: number, mode: number, skipFirst: number): number => (skipFirst * 8 + mode) * 320 + 160 - pos;
const missileMaskBase = (pos: number, nusiz: number): number => ((nusiz & 7) * 4 + ((nusiz & 0x30) >> 4)) * 320 + 160 - pos;
const ballMaskBase = (pos: number, ctrlpf: number): number => ((ctrlpf & 0x30) >> 4) * 320 + 160 - pos;

/** Names of every numeric state field, in save order. */
// biome-ignore format: grouped by the part of the chip they belong to
const STATE_FIELDS = [
  'partialFrame', 'frameGreyed', 'currentIsB', 'framePointer',
  'clockWhenFrameStarted', 'clockStartDisplay', 'clockStopDisplay', 'clockAtLastUpdate', 'clocksToEndOfScanLine',
  'scanlineCountForLastFrame', 'currentScanline', 'vsyncFinishClock', 'maxScanlines', 'colorLoss',
  'enabledObjects', 'vsync', 'vblank', 'nusiz0', 'nusiz1', 'colup0', 'colup1', 'colupf', 'colubk',
  'ctrlpf', 'priorityAndScore', 'refp0', 'refp1', 'pf', 'grp0', 'grp1', 'dgrp0', 'dgrp1',
  'enam0', 'enam1', 'enabl', 'denabl', 'hmp0', 'hmp1', 'hmm0', 'hmm1', 'hmbl',
  'vdelp0', 'vdelp1', 'vdelbl', 'resmp0', 'resmp1', 'collision',
  'posP0', 'posP1', 'posM0', 'posM1', 'posBL', 'currentGRP0', 'currentGRP1',
  'blMask', 'm0Mask', 'm1Mask', 'p0Mask', 'p1Mask', 'pfMask',
  'lastHmoveClock', 'hmoveBlankEnabled', 'm0CosmicArk', 'm0CosmicArkCounter', 'dumpEnabled', 'dumpDisabledCycle',
  'fire4', 'fire5', 'pixelsSkipped',
] as const;

export class Tia {
  private readonly cpu: TiaCpu;
  readonly yStart: number;
  private displayHeight: number;
  readonly allowHmoveBlanks: boolean;

  // The two frame buffers (the frame being drawn and the one before), swapped frame by frame.
  private bufferA = new Uint8Array(160 * FRAME_BUFFER_LINES);
  private bufferB = new Uint8Array(160 * FRAME_BUFFER_LINES);
  private wordsA = new Uint32Array(this.bufferA.buffer);
  private wordsB = new Uint32Array(this.bufferB.buffer);
  // While preserving (see preserveFrameBuffers): pixels are drawn here, and the frame buffers as
  // they were are backed up before anything else writes them.
  private spare = new Uint8Array(160 * FRAME_BUFFER_LINES);
  private spareWords = new Uint32Array(this.spare.buffer);
  private preserving = 0;
  private backupA: Uint8Array | null = null;
  private backupB: Uint8Array | null = null;
  private backedUp = 0;
  private fbWords: Uint32Array;
  private screenA: Uint8Array;
  private screenB: Uint8Array;
  /** The buffer being drawn (and, once a frame completes, the finished frame). */
  private fb: Uint8Array;
  private currentIsB = 0;
  private framePointer = 0;

  /** 1 while a frame is in progress (Stella's myPartialFrameFlag). */
  partialFrame = 0;
  private frameGreyed = 0;

  private clockWhenFrameStarted = 0;
  private clockStartDisplay = 0;
  private clockStopDisplay = 0;
  private clockAtLastUpdate = 0;
  private clocksToEndOfScanLine = 228;
  private scanlineCountForLastFrame = 0;
  private currentScanline = 0;
  private vsyncFinishClock = 0x7fffffff;
  private maxScanlines = 290;
  private colorLoss = 0;

  private enabledObjects = 0;
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: VSYNC as written; saved and restored by name (STATE_FIELDS)
  private vsync = 0;
  private vblank = 0;
  private nusiz0 = 0;
  private nusiz1 = 0;
  private colup0 = 0;
  private colup1 = 0;
  private colupf = 0;
  private colubk = 0;
  private ctrlpf = 0;
  private priorityAndScore = 0;
  private refp0 = 0;
  private refp1 = 0;
  private pf = 0;
  private grp0 = 0;
  private grp1 = 0;
  private dgrp0 = 0;
  private dgrp1 = 0;
  private enam0 = 0;
  private enam1 = 0;
  private enabl = 0;
  private denabl = 0;
  private hmp0 = 0;
  private hmp1 = 0;
  private hmm0 = 0;
  private hmm1 = 0;
  private hmbl = 0;
  private vdelp0 = 0;
  private vdelp1 = 0;
  private vdelbl = 0;
  private resmp0 = 0;
  private resmp1 = 0;
  /** The 15 collision latches (Stella's bit layout). */
  collision = 0;
  private posP0 = 0;
  private posP1 = 0;
  private posM0 = 0;
  private posM1 = 0;
  private posBL = 0;
  private currentGRP0 = 0;
  private currentGRP1 = 0;
  // Mask "pointers": offsets into the mask tables, read at offset + x for pixel x.
  private blMask = 0;
  private m0Mask = 0;
  private m1Mask = 0;
  private p0Mask = 0;
  private p1Mask = 0;
  private pfMask = 0;

  private lastHmoveClock = 0;
  private hmoveBlankEnabled = 0;
  private m0CosmicArk = 0;
  private m0CosmicArkCounter = 0;
  private dumpEnabled = 0;
  private dumpDisabledCycle = 0;
  /** 1 when part of the current frame was not drawn (drawPixels was 0, or the frame was greyed out). */
  private pixelsSkipped = 0;

  /** Pot resistance seen on INPT0..INPT3 (0: charged at once, MAX_RESISTANCE: never). */
  readonly potResistance = new Float64Array([MAX_RESISTANCE, MAX_RESISTANCE, MAX_RESISTANCE, MAX_RESISTANCE]);
  /**
   * 1: draw pixels (Stella's normal update). 0: only latch collisions, leaving the frame buffer as
   * it is (like ALE's fast_tia_update) -- for frames whose picture nobody looks at. Collisions,
   * timing and everything the program can observe are the same either way.
   */
  drawPixels = 1;
  /** 1 while the fire button on INPT4 / INPT5 is pressed. */
  fire4 = 0;
  fire5 = 0;

  /** Called with the old count when the TIA restarts the CPU cycle counter at the start of a frame. */
  private readonly onCyclesReset: (cyclesBeforeReset: number) => void;

  constructor(cpu: TiaCpu, display: TiaDisplayOptions = {}, onCyclesReset: (cyclesBeforeReset: number) => void = () => {}) {
    this.cpu = cpu;
    this.onCyclesReset = onCyclesReset;
    this.yStart = display.yStart ?? 34;
    this.displayHeight = display.height ?? 210;
    this.allowHmoveBlanks = display.hmoveBlanks ?? true;
    if (!Number.isInteger(this.yStart) || this.yStart < 0 || this.yStart > 100) {
      throw new Error(`Tia: yStart must be an integer scanline in 0..100, got ${display.yStart}`);
    }
    this.screenA = this.screenB = this.bufferA;
    this.setHeight(this.displayHeight);
    this.fb = this.bufferA;
    this.fbWords = this.wordsA;
  }

  /** Scanlines shown (Stella's Display.Height); takes effect at the next reset. */
  get height(): number {
    return this.displayHeight;
  }

  setHeight(height: number): void {
    if (!Number.isInteger(height) || height < 1 || this.yStart + height > FRAME_BUFFER_LINES) {
      throw new Error(`Tia: height must be an integer with yStart + height <= ${FRAME_BUFFER_LINES}, got ${height}`);
    }
    this.displayHeight = height;
    this.refreshScreens();
  }

  private refreshScreens(): void {
    this.screenA = this.bufferA.subarray(0, 160 * this.displayHeight);
    this.screenB = this.bufferB.subarray(0, 160 * this.displayHeight);
  }

  /** Points `fb` at the buffer to draw into: the current frame buffer, or the spare one while preserving and drawing. */
  private pointFrameBuffer(): void {
    if (this.preserving && this.drawPixels) {
      this.fb = this.spare;
      this.fbWords = this.spareWords;
    } else {
      this.fb = this.currentIsB ? this.bufferB : this.bufferA;
      this.fbWords = this.currentIsB ? this.wordsB : this.wordsA;
    }
  }

  /**
   * From now until `endPreserving` or a `loadState`, keeps both frame buffers' present contents
   * restorable, so that a state saved now without them (`saveState(out, offset, false)`) can be
   * loaded back exactly. Drawn pixels go to a spare buffer; the rare writes of undrawn frames (a
   * frame greyed out) first back the buffers up. The ALE saves such a state before each run of
   * undrawn frames (a frame-skip group) and so copies no frame buffer per step: either the run's
   * last frame is drawn in full and `endPreserving(true)` makes the spare buffer its frame buffer,
   * or the state is loaded and the run replayed with drawing.
   */
  preserveFrameBuffers(): void {
    this.preserving = 1;
    this.backedUp = 0;
  }

  /**
   * Stops preserving. With `keepDrawnFrame` the frame just drawn (into the spare buffer, and drawn
   * in full: it depends on nothing drawn before it) becomes the current frame buffer, as if drawn there.
   */
  endPreserving(keepDrawnFrame: boolean): void {
    if (keepDrawnFrame) {
      if (!this.preserving || !this.frameDrawnInFull) throw new Error('Tia.endPreserving: no frame drawn in full while preserving');
      const spare = this.spare,
        spareWords = this.spareWords;
      if (this.currentIsB) {
        this.spare = this.bufferB;
        this.spareWords = this.wordsB;
        this.bufferB = spare;
        this.wordsB = spareWords;
      } else {
        this.spare = this.bufferA;
        this.spareWords = this.wordsA;
        this.bufferA = spare;
        this.wordsA = spareWords;
      }
      this.refreshScreens();
    }
    this.preserving = 0;
    this.backedUp = 0;
    this.pointFrameBuffer();
  }

  /** Before a write to the frame buffers that drawing does not redirect: back them up once while preserving. */
  private backUpPreserved(): void {
    if (!this.preserving || this.backedUp) return;
    this.backupA ??= new Uint8Array(this.bufferA.length);
    this.backupB ??= new Uint8Array(this.bufferB.length);
    this.backupA.set(this.bufferA);
    this.backupB.set(this.bufferB);
    this.backedUp = 1;
  }

  /** The frame buffer (160 x height palette indices) of the frame being drawn or just completed. */
  get screen(): Uint8Array {
    return this.currentIsB ? this.screenB : this.screenA;
  }

  /**
   * True when the frame just run was drawn by itself from the top of the window to the bottom:
   * it started and ended within draw-enabled updates, no part was skipped or greyed out, and
   * drawing reached the last line of the window. Its picture then depends on nothing drawn before
   * it, so frames run with `drawPixels` 0 before it cannot have changed it.
   */
  get frameDrawnInFull(): boolean {
    return this.pixelsSkipped === 0 && this.partialFrame === 0 && this.clockAtLastUpdate >= this.clockStopDisplay;
  }

  /** Scanlines in the last completed frame. */
  get scanlinesLastFrame(): number {
    return this.scanlineCountForLastFrame;
  }

  /** Scanline the beam is on now (Stella's TIA::scanlines()). */
  scanlines(): number {
    return Math.floor(((this.cpu.cycles * 3 - this.clockWhenFrameStarted) >>> 0) / 228);
  }

  /** Power-on / system reset. `pal` selects PAL timing (342 lines max, colour loss). */
  reset(pal = false): void {
    this.enabledObjects = 0;
    this.vsync = this.vblank = this.nusiz0 = this.nusiz1 = 0;
    this.colup0 = this.colup1 = this.colupf = this.colubk = 0;
    this.priorityAndScore = this.ctrlpf = 0;
    this.refp0 = this.refp1 = 0;
    this.pf = this.grp0 = this.grp1 = this.dgrp0 = this.dgrp1 = 0;
    this.enam0 = this.enam1 = this.enabl = this.denabl = 0;
    this.hmp0 = this.hmp1 = this.hmm0 = this.hmm1 = this.hmbl = 0;
    this.vdelp0 = this.vdelp1 = this.vdelbl = this.resmp0 = this.resmp1 = 0;
    this.collision = 0;
    this.posP0 = this.posP1 = this.posM0 = this.posM1 = this.posBL = 0;
    this.currentGRP0 = this.currentGRP1 = 0;
    this.blMask = ballMaskBase(0, 0);
    this.m0Mask = this.m1Mask = missileMaskBase(0, 0);
    this.p0Mask = this.p1Mask = playerMaskBase(0, 0, 0);
    this.pfMask = 0;
    this.lastHmoveClock = 0;
    this.hmoveBlankEnabled = 0;
    this.m0CosmicArk = 0;
    this.m0CosmicArkCounter = 0;
    this.dumpEnabled = 0;
    this.dumpDisabledCycle = 0;
    this.colorLoss = pal ? 1 : 0;
    this.maxScanlines = pal ? 342 : 290;
    this.frameReset();
  }

  private frameReset(): void {
    this.preserving = 0;
    this.backedUp = 0;
    this.bufferA.fill(0);
    this.bufferB.fill(0);
    this.framePointer = 0;
    const clock = this.cpu.cycles * 3;
    this.clockWhenFrameStarted = clock;
    this.clockStartDisplay = clock + 228 * this.yStart;
    this.clockStopDisplay = this.clockStartDisplay + 228 * this.height;
    this.clockAtLastUpdate = clock;
    this.clocksToEndOfScanLine = 228;
    this.vsyncFinishClock = 0x7fffffff;
    this.scanlineCountForLastFrame = 0;
    this.currentScanline = 0;
    this.pointFrameBuffer();
  }

  /** Called before the CPU runs for a new frame (Stella's TIA::update prologue). */
  beginUpdate(): void {
    if (!this.partialFrame) this.startFrame();
    else if (this.preserving) this.pointFrameBuffer(); // a frame continued with drawing on or off
    this.partialFrame = 1;
  }

  /** Called after the CPU ran for a frame (Stella's TIA::update epilogue). */
  endUpdate(): void {
    this.currentScanline = this.scanlines();
    if (this.partialFrame) {
      if (!this.frameGreyed) this.greyOutFrame();
      this.frameGreyed = 1;
    } else {
      this.scanlineCountForLastFrame = this.currentScanline;
      this.frameGreyed = 0;
    }
  }

  private startFrame(): void {
    this.currentIsB ^= 1;
    this.pointFrameBuffer();
    const rel = this.cpu.cycles;
    const clocks = ((rel * 3 - this.clockWhenFrameStarted) >>> 0) % 228;
    // Stella resets its cycle counter here; clocks not recomputed below shift with it.
    this.vsyncFinishClock = (this.vsyncFinishClock - rel * 3) | 0;
    this.lastHmoveClock = (this.lastHmoveClock - rel * 3) | 0;
    this.dumpDisabledCycle = (this.dumpDisabledCycle - rel) | 0;
    this.onCyclesReset(rel);
    this.cpu.cycles = 0;
    this.clockWhenFrameStarted = 0 - clocks; // not -clocks: -0 is no small integer, and V8 would then keep every clock as a boxed double
    this.clockStartDisplay = 228 * this.yStart - clocks;
    this.clockStopDisplay = this.clockStartDisplay + 228 * this.height;
    this.clockAtLastUpdate = this.clockStartDisplay;
    this.clocksToEndOfScanLine = 228;
    this.framePointer = 0;
    this.pixelsSkipped = 0;
    if (this.colorLoss) {
      const odd = this.scanlineCountForLastFrame & 1;
      const fix = (c: number): number => (odd ? c | 1 : c & 0xfe);
      this.colup0 = fix(this.colup0);
      this.colup1 = fix(this.colup1);
      this.colupf = fix(this.colupf);
      this.colubk = fix(this.colubk);
    }
    this.frameGreyed = 0;
  }

  private greyOutFrame(): void {
    if (this.fb !== this.spare) this.backUpPreserved();
    let c = this.scanlines();
    if (c < this.yStart) c = this.yStart;
    this.pixelsSkipped = 1;
    const fb = this.fb;
    for (let s = c; s < this.height + this.yStart; s++) {
      const row = (s - this.yStart) * 160;
      for (let i = 0; i < 160; i++) fb[row + i] = (fb[row + i] & 0x0f) >> 1;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rendering
  // -------------------------------------------------------------------------------------------

  /** Draws the frame up to colour clock `clock` (Stella-relative). */
  private updateFrame(clock: number): void {
    if (clock < this.clockStartDisplay || this.clockAtLastUpdate >= this.clockStopDisplay || this.clockAtLastUpdate >= clock) {
      return;
    }
    if (clock > this.clockStopDisplay) clock = this.clockStopDisplay;
    do {
      let toUpdate: number;
      let fromStart = 228 - this.clocksToEndOfScanLine;
      if (clock > this.clockAtLastUpdate + this.clocksToEndOfScanLine) {
        toUpdate = this.clocksToEndOfScanLine;
        this.clocksToEndOfScanLine = 228;
        this.clockAtLastUpdate += toUpdate;
      } else {
        toUpdate = clock - this.clockAtLastUpdate;
        this.clocksToEndOfScanLine -= toUpdate;
        this.clockAtLastUpdate = clock;
      }
      if (fromStart < HBLANK) {
        const skip = HBLANK - fromStart < toUpdate ? HBLANK - fromStart : toUpdate;
        fromStart += skip;
        toUpdate -= skip;
      }
      const oldPointer = this.framePointer;
      if (toUpdate !== 0) this.drawSpan(toUpdate, fromStart - HBLANK);
      if (this.hmoveBlankEnabled && fromStart < HBLANK + 8) {
        if (this.drawPixels) fillBytes(this.fb, this.fbWords, oldPointer, oldPointer + HBLANK + 8 - fromStart, 0);
        else this.pixelsSkipped = 1;
        if (toUpdate + fromStart >= HBLANK + 8) this.hmoveBlankEnabled = 0;
      }
      if (this.clocksToEndOfScanLine === 228) this.endOfScanline();
    } while (this.clockAtLastUpdate < clock);
  }

  private endOfScanline(): void {
    this.pfMask = (this.ctrlpf & 1) * 160;
    this.p0Mask = playerMaskBase(this.posP0, this.nusiz0 & 7, 0);
    this.p1Mask = playerMaskBase(this.posP1, this.nusiz1 & 7, 0);
    if (this.m0CosmicArk) {
      this.m0CosmicArkCounter = (this.m0CosmicArkCounter + 1) & 3;
      this.posM0 -= COSMIC_ARK_STEPS[this.m0CosmicArkCounter];
      if (this.posM0 >= 160) this.posM0 -= 160;
      else if (this.posM0 < 0) this.posM0 += 160;
      if (this.m0CosmicArkCounter === 1) {
        this.m0Mask = missileMaskBase(this.posM0, (this.nusiz0 & 0x07) | (this.nusiz0 & 0x30) | 0x10);
      } else if (this.m0CosmicArkCounter === 2) {
        this.m0Mask = MISSILE_DISABLED;
      } else {
        this.m0Mask = missileMaskBase(this.posM0, this.nusiz0);
      }
    }
  }

  /** Draws `count` pixels starting at pixel `hpos` of the current line. */
  private drawSpan(count: number, hpos: number): void {
    const fb = this.fb;
    const p = this.framePointer;
    const end = p + count;
    this.framePointer = end;
    if (!this.drawPixels) {
      this.pixelsSkipped = 1;
      this.collideSpan(hpos, hpos + count);
      return;
    }
    if (this.vblank & 0x02) {
      fillBytes(fb, this.fbWords, p, end, 0);
      return;
    }
    const objects = this.enabledObjects;
    if (objects === 0) {
      fillBytes(fb, this.fbWords, p, end, this.colubk);
      return;
    }
    const pf = this.pf;
    const bk = this.colubk;
    const start = p - hpos;
    if (pf === 0) {
      fillBytes(fb, this.fbWords, p, end, bk);
    } else {
      // Playfield alone in score mode uses the player colours even with priority set (Stella's fast
      // path); with other objects, priority gives the playfield its own colour.
      const ps = objects === PF_BIT && this.priorityAndScore & SCORE_BIT ? SCORE_BIT | PF_BIT : this.priorityAndScore | PF_BIT;
      const slotL = PRIORITY[ps];
      const slotR = PRIORITY[256 + ps];
      const left = slotL === 1 ? this.colupf : slotL === 2 ? this.colup0 : this.colup1;
      const right = slotR === 1 ? this.colupf : slotR === 2 ? this.colup0 : this.colup1;
      this.drawPlayfield(start, hpos, hpos + count, left, right);
    }
    if (objects === PF_BIT) return;
    // Every pixel an enabled object can cover is now recomputed with the full priority and
    // collision logic (pixels covered twice come out the same).
    const x1 = hpos + count;
    if (objects & P0_BIT) this.drawObject(PLAYER_SPANS, this.p0Mask, start, hpos, x1);
    if (objects & P1_BIT) this.drawObject(PLAYER_SPANS, this.p1Mask, start, hpos, x1);
    if (objects & M0_BIT && this.m0Mask !== MISSILE_DISABLED) this.drawObject(MISSILE_SPANS, this.m0Mask, start, hpos, x1);
    if (objects & M1_BIT && this.m1Mask !== MISSILE_DISABLED) this.drawObject(MISSILE_SPANS, this.m1Mask, start, hpos, x1);
    if (objects & BL_BIT) this.drawObject(BALL_SPANS, this.blMask, start, hpos, x1);
  }

  /**
   * Collisions only (no pixels) for pixels [x0, x1) of the line: only where two objects can meet,
   * exactly the latches drawing would set.
   */
  private collideSpan(x0: number, x1: number): void {
    if (this.vblank & 0x02) return;
    const objects = this.enabledObjects;
    // The latches these objects could still set. A pixel where two objects meet lies in both their
    // extents, so an object all of whose latches are set already need not be walked.
    const open = COLLISIONS[objects & 0x3f] & ~this.collision;
    if (open === 0) return;
    if (objects & P0_BIT && open & LATCHES_OF[P0_BIT]) this.drawObject(PLAYER_SPANS, this.p0Mask, 0, x0, x1);
    if (objects & P1_BIT && open & LATCHES_OF[P1_BIT]) this.drawObject(PLAYER_SPANS, this.p1Mask, 0, x0, x1);
    if (objects & M0_BIT && open & LATCHES_OF[M0_BIT] && this.m0Mask !== MISSILE_DISABLED)
      this.drawObject(MISSILE_SPANS, this.m0Mask, 0, x0, x1);
    if (objects & M1_BIT && open & LATCHES_OF[M1_BIT] && this.m1Mask !== MISSILE_DISABLED)
      this.drawObject(MISSILE_SPANS, this.m1Mask, 0, x0, x1);
    if (objects & BL_BIT && open & LATCHES_OF[BL_BIT]) this.drawObject(BALL_SPANS, this.blMask, 0, x0, x1);
  }

  /** Playfield/background pixels [x0, x1) of the line; the playfield changes only every 4 pixels. */
  private drawPlayfield(start: number, x0: number, x1: number, left: number, right: number): void {
    const fb = this.fb;
    const pf = this.pf;
    const pfm = this.pfMask;
    const bk = this.colubk;
    let x = x0;
    for (; x < x1 && x & 3; x++) fb[start + x] = pf & PF_MASKS[pfm + x] ? (x < 80 ? left : right) : bk;
    const words = this.fbWords;
    const w0 = (start + x) >> 2;
    const whole = (x1 - x) >> 2;
    for (let i = 0; i < whole; i++, x += 4) {
      words[w0 + i] = (pf & PF_MASKS[pfm + x] ? (x < 80 ? left : right) : bk) * 0x01010101;
    }
    for (; x < x1; x++) fb[start + x] = pf & PF_MASKS[pfm + x] ? (x < 80 ? left : right) : bk;
  }

  /** Redraws the pixels of [x0, x1) that the object with mask offset `mask` can cover. */
  private drawObject(spans: Int16Array, mask: number, start: number, x0: number, x1: number): void {
    const row = ((mask - 1) / 320) | 0;
    const pos = 160 - (mask - row * 320);
    const n = spans[row * 7];
    // Most copies lie outside the span: only the non-empty intersections are drawn (no call for the others).
    for (let i = 0; i < n; i++) {
      let a = pos + spans[row * 7 + 1 + 2 * i];
      if (a >= 160) a -= 160;
      const b = a + spans[row * 7 + 2 + 2 * i];
      const lo = a > x0 ? a : x0;
      const hi = b < x1 ? b : x1;
      if (lo < hi) this.drawMixed(start, lo, hi);
      if (b > 160) {
        const wrapped = b - 160 < x1 ? b - 160 : x1;
        if (x0 < wrapped) this.drawMixed(start, x0, wrapped);
      }
    }
  }

  /** Pixels [lo, hi) of the line (frame buffer index start + x) with all objects, priorities and collisions. */
  private drawMixed(start: number, lo: number, hi: number): void {
    const fb = this.fb;
    const objects = this.enabledObjects;
    const pf = this.pf;
    const pfm = this.pfMask;
    const g0 = this.currentGRP0;
    const g1 = this.currentGRP1;
    const p0 = this.p0Mask;
    const p1 = this.p1Mask;
    const m0 = objects & M0_BIT ? this.m0Mask : MISSILE_DISABLED;
    const m1 = objects & M1_BIT ? this.m1Mask : MISSILE_DISABLED;
    const bl = objects & BL_BIT ? this.blMask : -1;
    const ps = this.priorityAndScore;
    const bk = this.colubk;
    const c1 = this.colupf;
    const c2 = this.colup0;
    const c3 = this.colup1;
    const draw = this.drawPixels;
    let coll = this.collision;
    for (let x = lo; x < hi; x++) {
      let bits = 0;
      if (g0 & PLAYER_MASKS[p0 + x]) bits = P0_BIT;
      if (g1 & PLAYER_MASKS[p1 + x]) bits |= P1_BIT;
      if (MISSILE_MASKS[m0 + x]) bits |= M0_BIT;
      if (MISSILE_MASKS[m1 + x]) bits |= M1_BIT;
      if (bl >= 0 && BALL_MASKS[bl + x]) bits |= BL_BIT;
      // No object here: the playfield/background pixel already drawn is right, and nothing collides.
      if (bits === 0) continue;
      if (pf & PF_MASKS[pfm + x]) bits |= PF_BIT;
      coll |= COLLISIONS[bits];
      if (draw) {
        const slot = PRIORITY[(x < 80 ? 0 : 256) + (bits | ps)];
        fb[start + x] = slot === 0 ? bk : slot === 1 ? c1 : slot === 2 ? c2 : c3;
      }
    }
    this.collision = coll;
  }

  // -------------------------------------------------------------------------------------------
  // Bus access
  // -------------------------------------------------------------------------------------------

  /** A CPU read of a TIA register; `dataBus` is the last value on the data bus (fills undriven bits). */
  read(address: number, dataBus: number): number {
    const rel = this.cpu.cycles;
    // Only the collision latches depend on what has been drawn so far.
    if ((address & 0x08) === 0) this.updateFrame(rel * 3);
    const noise = dataBus & 0x3f;
    const c = this.collision;
    switch (address & 0x0f) {
      case 0x00:
        return (c & 0x0001 ? 0x80 : 0) | (c & 0x0002 ? 0x40 : 0) | noise;
      case 0x01:
        return (c & 0x0004 ? 0x80 : 0) | (c & 0x0008 ? 0x40 : 0) | noise;
      case 0x02:
        return (c & 0x0010 ? 0x80 : 0) | (c & 0x0020 ? 0x40 : 0) | noise;
      case 0x03:
        return (c & 0x0040 ? 0x80 : 0) | (c & 0x0080 ? 0x40 : 0) | noise;
      case 0x04:
        return (c & 0x0100 ? 0x80 : 0) | (c & 0x0200 ? 0x40 : 0) | noise;
      case 0x05:
        return (c & 0x0400 ? 0x80 : 0) | (c & 0x0800 ? 0x40 : 0) | noise;
      case 0x06:
        return (c & 0x1000 ? 0x80 : 0) | noise;
      case 0x07:
        return (c & 0x2000 ? 0x80 : 0) | (c & 0x4000 ? 0x40 : 0) | noise;
      case 0x08:
      case 0x09:
      case 0x0a:
      case 0x0b:
        return this.potCharged(this.potResistance[address & 3], rel) ? 0x80 | noise : noise;
      case 0x0c:
        return this.fire4 ? noise : 0x80 | noise;
      case 0x0d:
        return this.fire5 ? noise : 0x80 | noise;
      default:
        return noise;
    }
  }

  /** Whether a paddle's capacitor reads as charged: it charges from the cycle the dump was released. */
  private potCharged(r: number, rel: number): boolean {
    if (r === 0) return true;
    if (r === MAX_RESISTANCE || this.dumpEnabled) return false;
    const t = 1.6 * r * 0.01e-6;
    const needed = Math.trunc(t * 1.19e6);
    // Stella adds a signed cycle to an unsigned count: the sum wraps to 32 bits.
    return rel > (this.dumpDisabledCycle + needed) >>> 0;
  }

  /** A CPU write of a TIA register. */
  write(address: number, value: number): void {
    const addr = address & 0x3f;
    const clock = this.cpu.cycles * 3;
    if (DRAW_FIRST[addr]) this.drawBeforeWrite(addr, clock);

    if (clock - this.clockWhenFrameStarted >= (this.maxScanlines + 1) * 228) {
      this.cpu.stop();
      this.partialFrame = 0;
    }

    switch (addr) {
      case 0x00: // VSYNC
        this.vsync = value;
        if (value & 0x02) {
          this.vsyncFinishClock = clock + 228;
        } else if (clock >= this.vsyncFinishClock) {
          this.vsyncFinishClock = 0x7fffffff;
          this.cpu.stop();
          this.partialFrame = 0;
        }
        break;
      case 0x01: // VBLANK
        if (!(this.vblank & 0x80) && value & 0x80) this.dumpEnabled = 1;
        if (this.vblank & 0x80 && !(value & 0x80)) {
          this.dumpEnabled = 0;
          this.dumpDisabledCycle = this.cpu.cycles;
        }
        this.vblank = value;
        break;
      case 0x02: // WSYNC: the 6507 halts only on a read cycle
        if (this.cpu.lastAccessWasRead) {
          const rel = this.cpu.cycles;
          const toEnd = 76 - (((rel - ((this.clockWhenFrameStarted / 3) | 0)) >>> 0) % 76);
          if (toEnd < 76) this.cpu.cycles += toEnd;
        }
        break;
      case 0x03: // RSYNC: not emulated by Stella 2.4.2
        break;
      case 0x04: {
        const p0Mask = playerMaskBase(this.posP0, value & 7, 0);
        const m0Mask = missileMaskBase(this.posM0, value);
        if (value !== this.nusiz0 || p0Mask !== this.p0Mask || m0Mask !== this.m0Mask) this.drawBeforeWrite(addr, clock);
        this.nusiz0 = value;
        this.p0Mask = p0Mask;
        this.m0Mask = m0Mask;
        break;
      }
      case 0x05: {
        const p1Mask = playerMaskBase(this.posP1, value & 7, 0);
        const m1Mask = missileMaskBase(this.posM1, value);
        if (value !== this.nusiz1 || p1Mask !== this.p1Mask || m1Mask !== this.m1Mask) this.drawBeforeWrite(addr, clock);
        this.nusiz1 = value;
        this.p1Mask = p1Mask;
        this.m1Mask = m1Mask;
        break;
      }
      case 0x06: {
        const colour = this.colourValue(value);
        if (colour !== this.colup0) {
          if (this.drawPixels) this.drawBeforeWrite(addr, clock); // colours do not change collisions
          this.colup0 = colour;
        }
        break;
      }
      case 0x07: {
        const colour = this.colourValue(value);
        if (colour !== this.colup1) {
          if (this.drawPixels) this.drawBeforeWrite(addr, clock); // colours do not change collisions
          this.colup1 = colour;
        }
        break;
      }
      case 0x08: {
        const colour = this.colourValue(value);
        if (colour !== this.colupf) {
          if (this.drawPixels) this.drawBeforeWrite(addr, clock); // colours do not change collisions
          this.colupf = colour;
        }
        break;
      }
      case 0x09: {
        const colour = this.colourValue(value);
        if (colour !== this.colubk) {
          if (this.drawPixels) this.drawBeforeWrite(addr, clock); // colours do not change collisions
          this.colubk = colour;
        }
        break;
      }
      case 0x0a: // CTRLPF
        this.ctrlpf = value;
        this.priorityAndScore = (value & 0x06) << 5;
        if ((clock - this.clockWhenFrameStarted) % 228 < HBLANK + 79) this.pfMask = (value & 1) * 160;
        this.blMask = ballMaskBase(this.posBL, value);
        break;
      case 0x0b:
        if ((value & 0x08 ? 1 : 0) !== this.refp0) {
          this.refp0 ^= 1;
          this.currentGRP0 = REFLECT[this.currentGRP0];
        }
        break;
      case 0x0c:
        if ((value & 0x08 ? 1 : 0) !== this.refp1) {
          this.refp1 ^= 1;
          this.currentGRP1 = REFLECT[this.currentGRP1];
        }
        break;
      case 0x0d:
        this.setPlayfield((this.pf & 0x000ffff0) | ((value >> 4) & 0x0f));
        break;
      case 0x0e:
        this.setPlayfield((this.pf & 0x000ff00f) | (value << 4));
        break;
      case 0x0f:
        this.setPlayfield((this.pf & 0x00000fff) | (value << 12));
        break;
      case 0x10:
        this.resetPlayer0(clock);
        break;
      case 0x11:
        this.resetPlayer1(clock);
        break;
      case 0x12: {
        // RESM0
        const hpos = (clock - this.clockWhenFrameStarted) % 228;
        this.posM0 = hpos < HBLANK ? 2 : (hpos - HBLANK + 4) % 160;
        if (clock - this.lastHmoveClock === 20 * 3 && hpos === 69) this.posM0 = 8;
        this.m0Mask = missileMaskBase(this.posM0, this.nusiz0);
        break;
      }
      case 0x13: {
        // RESM1
        const hpos = (clock - this.clockWhenFrameStarted) % 228;
        this.posM1 = hpos < HBLANK ? 2 : (hpos - HBLANK + 4) % 160;
        if (clock - this.lastHmoveClock === 3 * 3 && hpos === 18) this.posM1 = 3;
        this.m1Mask = missileMaskBase(this.posM1, this.nusiz1);
        break;
      }
      case 0x14: {
        // RESBL
        const hpos = (clock - this.clockWhenFrameStarted) % 228;
        this.posBL = hpos < HBLANK ? 2 : (hpos - HBLANK + 4) % 160;
        const since = clock - this.lastHmoveClock;
        // Stella's special cases for writes shortly after an HMOVE.
        if (since === 18 * 3 && (hpos === 60 || hpos === 69)) this.posBL = 10;
        else if (since === 3 * 3 && hpos === 18) this.posBL = 3;
        else if (since === 7 * 3 && hpos === 30) this.posBL = 6;
        else if (since === 6 * 3 && hpos === 27) this.posBL = 5;
        this.blMask = ballMaskBase(this.posBL, this.ctrlpf);
        break;
      }
      case 0x1b: // GRP0: new GRP0, and GRP1 copied to its delayed register
        this.grp0 = value;
        this.dgrp1 = this.grp1;
        this.refreshPlayerGraphics(addr, clock);
        break;
      case 0x1c: // GRP1: new GRP1, GRP0 and ENABL copied to their delayed registers
        this.grp1 = value;
        this.dgrp0 = this.grp0;
        this.denabl = this.enabl;
        this.refreshPlayerGraphics(addr, clock);
        break;
      case 0x1d:
        this.enam0 = value & 0x02 ? 1 : 0;
        this.setEnabled(M0_BIT, this.enam0 && !this.resmp0);
        break;
      case 0x1e:
        this.enam1 = value & 0x02 ? 1 : 0;
        this.setEnabled(M1_BIT, this.enam1 && !this.resmp1);
        break;
      case 0x1f:
        this.enabl = value & 0x02 ? 1 : 0;
        this.refreshBallEnabled();
        break;
      case 0x20:
        this.hmp0 = value >> 4;
        break;
      case 0x21:
        this.hmp1 = value >> 4;
        break;
      case 0x22: {
        const hm = value >> 4;
        if (clock === this.lastHmoveClock + 21 * 3 && this.hmm0 === 7 && hm === 6) {
          this.m0CosmicArk = 1;
          this.m0CosmicArkCounter = 0;
        }
        this.hmm0 = hm;
        break;
      }
      case 0x23:
        this.hmm1 = value >> 4;
        break;
      case 0x24:
        this.hmbl = value >> 4;
        break;
      case 0x25:
        this.vdelp0 = value & 1;
        this.refreshPlayerGraphics();
        break;
      case 0x26:
        this.vdelp1 = value & 1;
        this.refreshPlayerGraphics();
        break;
      case 0x27:
        this.vdelbl = value & 1;
        this.refreshBallEnabled();
        break;
      case 0x28: // RESMP0
        if (this.resmp0 && !(value & 0x02)) {
          const mode = this.nusiz0 & 7;
          this.posM0 = (this.posP0 + (mode === 5 ? 8 : mode === 7 ? 16 : 4)) % 160;
          this.m0Mask = missileMaskBase(this.posM0, this.nusiz0);
        }
        this.resmp0 = value & 0x02 ? 1 : 0;
        this.setEnabled(M0_BIT, this.enam0 && !this.resmp0);
        break;
      case 0x29: // RESMP1
        if (this.resmp1 && !(value & 0x02)) {
          const mode = this.nusiz1 & 7;
          this.posM1 = (this.posP1 + (mode === 5 ? 8 : mode === 7 ? 16 : 4)) % 160;
          this.m1Mask = missileMaskBase(this.posM1, this.nusiz1);
        }
        this.resmp1 = value & 0x02 ? 1 : 0;
        this.setEnabled(M1_BIT, this.enam1 && !this.resmp1);
        break;
      case 0x2a:
        this.hmove(clock);
        break;
      case 0x2b: // HMCLR
        this.hmp0 = this.hmp1 = this.hmm0 = this.hmm1 = this.hmbl = 0;
        break;
      case 0x2c: // CXCLR
        this.collision = 0;
        break;
      default: // audio registers and unused addresses
        break;
    }
  }

  /** Draws the picture up to a write to `addr` at colour clock `clock`, with Stella's delay for that register. */
  private drawBeforeWrite(addr: number, clock: number): void {
    let delay = POKE_DELAY[addr];
    if (delay < 0) delay = PF_DELAYS[((((clock - this.clockWhenFrameStarted) % 228) / 3) | 0) & 3];
    this.updateFrame(clock + delay);
  }

  private colourValue(value: number): number {
    let c = value & 0xfe;
    if (this.colorLoss && this.scanlineCountForLastFrame & 1) c |= 1;
    return c;
  }

  private setEnabled(bit: number, on: number | boolean): void {
    if (on) this.enabledObjects |= bit;
    else this.enabledObjects &= ~bit;
  }

  private setPlayfield(pf: number): void {
    this.pf = pf;
    this.setEnabled(PF_BIT, pf !== 0);
  }

  /**
   * Brings what drawing reads of the players and the ball (the graphics as shown, with VDELPx and REFPx
   * applied, and their enable bits) up to the registers. With `drawAt` (the register just written, at
   * colour clock `clock`) the picture is first drawn up to that write, but only when something shown
   * changes: drawing later with the same shown state gives the same pixels (graphics rewritten with the
   * same values are frequent).
   */
  private refreshPlayerGraphics(drawAt = -1, clock = 0): void {
    const g0 = this.vdelp0 ? this.dgrp0 : this.grp0;
    const g1 = this.vdelp1 ? this.dgrp1 : this.grp1;
    const shown0 = this.refp0 ? REFLECT[g0] : g0;
    const shown1 = this.refp1 ? REFLECT[g1] : g1;
    const ball = (this.vdelbl ? this.denabl : this.enabl) ? BL_BIT : 0;
    if (shown0 === this.currentGRP0 && shown1 === this.currentGRP1 && ball === (this.enabledObjects & BL_BIT)) return;
    if (drawAt >= 0) this.drawBeforeWrite(drawAt, clock);
    this.currentGRP0 = shown0;
    this.currentGRP1 = shown1;
    this.enabledObjects =
      (this.enabledObjects & ~(P0_BIT | P1_BIT | BL_BIT)) | (shown0 !== 0 ? P0_BIT : 0) | (shown1 !== 0 ? P1_BIT : 0) | ball;
  }

  private refreshBallEnabled(): void {
    this.setEnabled(BL_BIT, this.vdelbl ? this.denabl : this.enabl);
  }

  private resetPlayer0(clock: number): void {
    const hpos = (clock - this.clockWhenFrameStarted) % 228;
    const newx = hpos < HBLANK ? 3 : (hpos - HBLANK + 5) % 160;
    const when = playerResetWhen(this.nusiz0 & 7, this.posP0, newx);
    if (when === 1) this.updateFrame(clock + 11);
    this.posP0 = newx;
    this.p0Mask = playerMaskBase(newx, this.nusiz0 & 7, when === -1 ? 0 : 1);
  }

  private resetPlayer1(clock: number): void {
    const hpos = (clock - this.clockWhenFrameStarted) % 228;
    const newx = hpos < HBLANK ? 3 : (hpos - HBLANK + 5) % 160;
    const when = playerResetWhen(this.nusiz1 & 7, this.posP1, newx);
    if (when === 1) this.updateFrame(clock + 11);
    this.posP1 = newx;
    this.p1Mask = playerMaskBase(newx, this.nusiz1 & 7, when === -1 ? 0 : 1);
  }

  private hmove(clock: number): void {
    const cycle = (((clock - this.clockWhenFrameStarted) % 228) / 3) | 0;
    if (this.allowHmoveBlanks && HMOVE_BLANK_CYCLES[cycle]) this.hmoveBlankEnabled = 1;
    const row = cycle * 16;
    this.posP0 = wrap160(this.posP0 + MOTION[row + this.hmp0]);
    this.posP1 = wrap160(this.posP1 + MOTION[row + this.hmp1]);
    this.posM0 = wrap160(this.posM0 + MOTION[row + this.hmm0]);
    this.posM1 = wrap160(this.posM1 + MOTION[row + this.hmm1]);
    this.posBL = wrap160(this.posBL + MOTION[row + this.hmbl]);
    this.blMask = ballMaskBase(this.posBL, this.ctrlpf);
    this.p0Mask = playerMaskBase(this.posP0, this.nusiz0 & 7, 0);
    this.p1Mask = playerMaskBase(this.posP1, this.nusiz1 & 7, 0);
    this.m0Mask = missileMaskBase(this.posM0, this.nusiz0);
    this.m1Mask = missileMaskBase(this.posM1, this.nusiz1);
    this.lastHmoveClock = clock;
    this.m0CosmicArk = 0;
  }

  // -------------------------------------------------------------------------------------------
  // State
  // -------------------------------------------------------------------------------------------

  /** Bytes needed by saveState. */
  get stateSize(): number {
    return STATE_FIELDS.length * 8 + 4 * 8 + this.bufferA.length * 2;
  }

  /**
   * Writes the complete TIA state (registers, clocks, inputs and, with `frameBuffers`, both frame
   * buffers) into `out` at `offset`. A state without frame buffers must be loaded back while they
   * are preserved (see preserveFrameBuffers).
   */
  saveState(out: Uint8Array, offset: number, frameBuffers = true): number {
    const view = new DataView(out.buffer, out.byteOffset + offset, this.stateSize);
    let o = 0;
    const self = this as unknown as Record<string, number>;
    for (const f of STATE_FIELDS) {
      view.setFloat64(o, self[f], true);
      o += 8;
    }
    for (let i = 0; i < 4; i++, o += 8) view.setFloat64(o, this.potResistance[i], true);
    const a = offset + o,
      b = a + this.bufferA.length,
      end = b + this.bufferB.length;
    if (frameBuffers) {
      out.set(this.bufferA, a);
      out.set(this.bufferB, b);
    }
    return end;
  }

  /**
   * Restores what saveState wrote; returns the offset after it. Without `frameBuffers` the buffers
   * go back to what they were when preserving began (an error when they are not being preserved).
   * Either way preserving ends.
   */
  loadState(src: Uint8Array, offset: number, frameBuffers = true): number {
    if (src.length < offset + this.stateSize) throw new Error('Tia.loadState: state is truncated');
    if (!frameBuffers && !this.preserving)
      throw new Error('Tia.loadState: a state without frame buffers needs them preserved since it was saved');
    const view = new DataView(src.buffer, src.byteOffset + offset, this.stateSize);
    let o = 0;
    const self = this as unknown as Record<string, number>;
    for (const f of STATE_FIELDS) {
      self[f] = view.getFloat64(o, true);
      o += 8;
    }
    for (let i = 0; i < 4; i++, o += 8) this.potResistance[i] = view.getFloat64(o, true);
    const a = offset + o,
      b = a + this.bufferA.length,
      end = b + this.bufferB.length;
    if (frameBuffers) {
      this.bufferA.set(src.subarray(a, b));
      this.bufferB.set(src.subarray(b, end));
    } else if (this.backedUp) {
      this.bufferA.set(this.backupA!);
      this.bufferB.set(this.backupB!);
    }
    this.preserving = 0;
    this.backedUp = 0;
    this.pointFrameBuffer();
    return end;
  }
}

/** Sets bytes [from, to) of a frame buffer to v, a word at a time where it can. */
function fillBytes(bytes: Uint8Array, words: Uint32Array, from: number, to: number, v: number): void {
  if (to - from < 12) {
    for (; from < to; from++) bytes[from] = v;
    return;
  }
  for (; from & 3; from++) bytes[from] = v;
  const v4 = v * 0x01010101;
  const wEnd = to >> 2;
  for (let w = from >> 2; w < wEnd; w++) words[w] = v4;
  for (let i = wEnd << 2; i < to; i++) bytes[i] = v;
}

function wrap160(p: number): number {
  return p >= 160 ? p - 160 : p < 0 ? p + 160 : p;
}
