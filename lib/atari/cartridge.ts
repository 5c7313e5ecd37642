/**
 * Atari 2600 cartridges: 2K, 4K and the Atari bank-switching schemes F8 (8K), F6 (16K), F4 (32K).
 *
 * The cartridge sees the 4 KiB window at 0x1000-0x1FFF (A12 set). In a bank-switched cartridge, a
 * read OR a write of a hotspot address (0x1FF8/0x1FF9 for F8, 0x1FF6-0x1FF9 for F6, 0x1FF4-0x1FFB
 * for F4) selects a bank; the read then returns the byte of the new bank, as in Stella 2.4.2.
 * Type detection and reset banks follow Stella 2.4.2 (`Cartridge::autodetectType`, CartF8 & co.).
 */
import { md5Hex } from '../util/md5';

export type CartridgeType = '2K' | '4K' | 'F8' | 'F6' | 'F4';

export const CARTRIDGE_TYPES: readonly CartridgeType[] = ['2K', '4K', 'F8', 'F6', 'F4'];

interface Layout {
  /** ROM bytes the type uses. */
  size: number;
  banks: number;
  /** First hotspot (offset within the 4K window); hotspot k selects bank k. */
  firstHotspot: number;
  /** Bank selected by a reset. */
  resetBank: number;
}

const LAYOUTS: Record<CartridgeType, Layout> = {
  '2K': { size: 2048, banks: 1, firstHotspot: 0x1000, resetBank: 0 },
  '4K': { size: 4096, banks: 1, firstHotspot: 0x1000, resetBank: 0 },
  F8: { size: 8192, banks: 2, firstHotspot: 0xff8, resetBank: 1 },
  F6: { size: 16384, banks: 4, firstHotspot: 0xff6, resetBank: 0 },
  F4: { size: 32768, banks: 8, firstHotspot: 0xff4, resetBank: 0 },
};

/** 8K images that Stella starts from bank 0 instead of bank 1 ("F8 swapped"). */
const F8_SWAPPED_MD5 = new Set(['bc24440b59092559a1ec26055fd1270e', '75ee371ccfc4f43e7d9b8f24e1266b55']);

/** The MD5 that identifies a ROM image (lib/util/md5.ts: the same code in Node and in a browser). */
export { md5Hex };

export interface CartridgeOptions {
  /** Force a type instead of detecting it from the size and contents. */
  type?: CartridgeType;
  /** Force the reset bank (for images stored with their banks in the opposite order). */
  resetBank?: number;
}

/** Bytes used by `saveState()`. */
export const CARTRIDGE_STATE_BYTES = 1;

export class Cartridge {
  readonly type: CartridgeType;
  readonly md5: string;
  readonly bankCount: number;
  readonly resetBank: number;
  /** The ROM image (the bytes this type uses). */
  readonly rom: Uint8Array;

  private bankNumber: number;
  /** Offset of the selected bank in `rom`. */
  private offset: number;
  /** Address bits (of the 12) that select a byte within a bank: 0x7FF for 2K, 0xFFF otherwise. */
  readonly mirrorMask: number;
  /** First bank-switching hotspot (offset in the 4K window; 0x1000 when there is none). */
  readonly hotspotLo: number;
  private readonly hotspotHi: number;

  constructor(image: Uint8Array, options: CartridgeOptions = {}) {
    const md5 = md5Hex(image);
    const type = options.type ?? detectCartridgeType(image);
    if (!CARTRIDGE_TYPES.includes(type)) {
      throw new Error(`Unknown cartridge type '${type}'. Supported: ${CARTRIDGE_TYPES.join(', ')}.`);
    }
    const layout = LAYOUTS[type];
    if (image.length < layout.size) {
      throw new Error(`A ${type} cartridge needs ${layout.size} bytes of ROM, but the image has ${image.length}.`);
    }
    this.type = type;
    this.md5 = md5;
    this.rom = image.slice(0, layout.size);
    this.bankCount = layout.banks;
    let resetBank = layout.resetBank;
    if (type === 'F8' && F8_SWAPPED_MD5.has(md5)) resetBank = 0;
    if (options.resetBank !== undefined) {
      if (!Number.isInteger(options.resetBank) || options.resetBank < 0 || options.resetBank >= layout.banks) {
        throw new Error(`resetBank must be an integer in 0..${layout.banks - 1} for a ${type} cartridge, got ${options.resetBank}.`);
      }
      resetBank = options.resetBank;
    }
    this.resetBank = resetBank;
    this.mirrorMask = type === '2K' ? 0x7ff : 0xfff;
    this.hotspotLo = layout.firstHotspot;
    this.hotspotHi = layout.firstHotspot + layout.banks - 1;
    this.bankNumber = resetBank;
    this.offset = resetBank * 4096;
  }

  /** Offset in `rom` of the selected bank. */
  get bankOffset(): number {
    return this.offset;
  }

  /** The selected bank. */
  get bank(): number {
    return this.bankNumber;
  }

  /** Selects a bank directly (debugging and tests); programs switch banks through the hotspots. */
  selectBank(bank: number): void {
    if (!Number.isInteger(bank) || bank < 0 || bank >= this.bankCount) {
      throw new Error(`Bank ${bank} does not exist: a ${this.type} cartridge has banks 0..${this.bankCount - 1}.`);
    }
    this.bankNumber = bank;
    this.offset = bank * 4096;
  }

  /** Console reset: back to the reset bank. */
  reset(): void {
    this.selectBank(this.resetBank);
  }

  /** A read in the cartridge window (only the low 12 address bits matter). */
  read(address: number): number {
    const a = address & 0xfff;
    if (a >= this.hotspotLo && a <= this.hotspotHi) {
      this.bankNumber = a - this.hotspotLo;
      this.offset = this.bankNumber * 4096;
    }
    return this.rom[this.offset + (a & this.mirrorMask)];
  }

  /** A write in the cartridge window: ROM ignores it, but a hotspot still switches banks. */
  write(address: number, _value: number): void {
    const a = address & 0xfff;
    if (a >= this.hotspotLo && a <= this.hotspotHi) {
      this.bankNumber = a - this.hotspotLo;
      this.offset = this.bankNumber * 4096;
    }
  }

  /** The byte at a window address in the selected bank, without triggering a hotspot. */
  peek(address: number): number {
    return this.rom[this.offset + (address & this.mirrorMask)];
  }

  saveState(out = new Uint8Array(CARTRIDGE_STATE_BYTES), offset = 0): Uint8Array {
    out[offset] = this.bankNumber;
    return out;
  }

  loadState(bytes: Uint8Array, offset = 0): void {
    if (bytes.length <= offset) throw new Error('Cartridge.loadState: the state is too short');
    this.selectBank(bytes[offset]);
  }
}

/** Stella's `searchForBytes`: does `signature` occur at least `minHits` times (non-overlapping)? */
function searchForBytes(image: Uint8Array, signature: readonly number[], minHits: number): boolean {
  if (signature.length > image.length) return false;
  let count = 0;
  for (let i = 0; i < image.length - signature.length; i++) {
    let j = 0;
    while (j < signature.length && image[i + j] === signature[j]) j++;
    if (j === signature.length) {
      count++;
      i += signature.length;
    }
    if (count >= minHits) break;
  }
  return count >= minHits;
}

function anySignature(image: Uint8Array, signatures: readonly (readonly number[])[]): boolean {
  return signatures.some((s) => searchForBytes(image, s, 1));
}

function sameBytes(image: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (image[a + i] !== image[b + i]) return false;
  return true;
}

/** Superchip carts: the first 256 bytes of every 4K bank (the RAM area) are all the same. */
function isProbablySC(image: Uint8Array): boolean {
  const banks = Math.floor(image.length / 4096);
  for (let bank = 0; bank < banks; bank++) {
    const first = image[bank * 4096];
    for (let j = 0; j < 256; j++) if (image[bank * 4096 + j] !== first) return false;
  }
  return true;
}

const isProbablyCV = (im: Uint8Array) =>
  anySignature(im, [
    [0x9d, 0xff, 0xf3],
    [0x99, 0x00, 0xf4],
  ]);
const isProbablyE0 = (im: Uint8Array) =>
  anySignature(im, [
    [0x8d, 0xe0, 0x1f],
    [0x8d, 0xe0, 0x5f],
    [0x8d, 0xe9, 0xff],
    [0xad, 0xe9, 0xff],
    [0xad, 0xed, 0xff],
    [0xad, 0xf3, 0xbf],
  ]);
const isProbably3E = (im: Uint8Array) => searchForBytes(im, [0x85, 0x3e, 0xa9, 0x00], 1);
const isProbably3F = (im: Uint8Array) => searchForBytes(im, [0x85, 0x3f], 2);
const isProbablyUA = (im: Uint8Array) => searchForBytes(im, [0x8d, 0x40, 0x02], 1);
const isProbablyFE = (im: Uint8Array) =>
  anySignature(im, [
    [0x20, 0x00, 0xd0, 0xc6, 0xc5],
    [0x20, 0xc3, 0xf8, 0xa5, 0x82],
    [0xd0, 0xfb, 0x20, 0x73, 0xfe],
    [0x20, 0x00, 0xf0, 0x84, 0xd6],
  ]);

function isProbablyE7(image: Uint8Array): boolean {
  const first = image[0x3800];
  for (let i = 0x3800; i < 0x3a00; i++) if (image[i] !== first) return false;
  for (let i = 0x3800 - 32; i < 0x3800; i++) if (image[i] !== first) return true;
  for (let i = 0x3a00; i < 0x3a00 + 32; i++) if (image[i] !== first) return true;
  return false;
}

/**
 * The bank-switching type of a ROM image, decided as Stella 2.4.2 does from its size and contents.
 * Throws a clear error for the types this emulator does not implement.
 */
export function detectCartridgeType(image: Uint8Array): CartridgeType {
  const size = image.length;
  const unsupported = (kind: string): never => {
    throw new Error(
      `This ${size}-byte ROM looks like a '${kind}' cartridge, a bank-switching scheme this emulator does not support ` +
        `(supported: ${CARTRIDGE_TYPES.join(', ')}). If you know better, pass the type explicitly.`,
    );
  };
  if (size > 0 && size % 8448 === 0) return unsupported('AR (Supercharger)');
  if (size === 2048 || (size === 4096 && sameBytes(image, 0, 2048, 2048))) return isProbablyCV(image) ? unsupported('CV') : '2K';
  if (size === 4096) return isProbablyCV(image) ? unsupported('CV') : '4K';
  if (size === 8192) {
    if (isProbablySC(image)) return unsupported('F8SC (Superchip)');
    if (sameBytes(image, 0, 4096, 4096)) return '4K';
    if (isProbablyE0(image)) return unsupported('E0 (Parker Brothers)');
    if (isProbably3E(image)) return unsupported('3E');
    if (isProbably3F(image)) return unsupported('3F (Tigervision)');
    if (isProbablyUA(image)) return unsupported('UA');
    if (isProbablyFE(image)) return unsupported('FE (Activision)');
    return 'F8';
  }
  if (size === 16384) {
    if (isProbablySC(image)) return unsupported('F6SC (Superchip)');
    if (isProbablyE7(image)) return unsupported('E7 (M-Network)');
    if (isProbably3E(image)) return unsupported('3E');
    if (isProbably3F(image)) return unsupported('3F (Tigervision)');
    return 'F6';
  }
  if (size === 32768) {
    if (isProbablySC(image)) return unsupported('F4SC (Superchip)');
    if (isProbably3E(image)) return unsupported('3E');
    if (isProbably3F(image)) return unsupported('3F (Tigervision)');
    return 'F4';
  }
  throw new Error(`A ${size}-byte file is not an Atari 2600 ROM this emulator can run: expected 2048, 4096, 8192, 16384 or 32768 bytes.`);
}
