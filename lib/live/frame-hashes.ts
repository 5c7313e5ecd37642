/**
 * The emulator's frames, hashed: the live book's check that the browser runs the same Atari as Node
 * (test/live/live-book.test.ts compares these with hashes Node computes with its own MD5).
 */
import { AleInterface } from '../atari/ale';
import type { LoadedRom } from '../atari/rom-id';
import { md5Hex } from '../util/md5';

/**
 * MD5 of the screen (palette indices, 210 x 160) after each of `actions` (ALE action numbers, one frame
 * each), from a reset with sticky actions off and ALE's default seeds.
 */
export function frameHashes(rom: LoadedRom, actions: readonly number[]): string[] {
  const ale = new AleInterface(rom, { repeatActionProbability: 0 });
  return actions.map((a) => {
    ale.act(a);
    return md5Hex(ale.screenView);
  });
}
