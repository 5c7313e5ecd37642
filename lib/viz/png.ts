/** PNG encoding for the notebooks: the one encoder of lib/atari (frames are `{ width, height, data }`). */
export { encodePng, crc32, type Image } from '../atari/png';
