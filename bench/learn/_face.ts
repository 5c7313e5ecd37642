import { writeFileSync } from 'node:fs';
import { makeEnv } from '../../lib/algos/algorithm';
import { encodePng } from '../../lib/atari/png';
const env = makeEnv('KangarooDeterministic-v0') as any;
function snap(name: string, seq: number[]) {
  let r = env.reset({ seed: 3 });
  for (const a of seq) r = env.step(a);
  const o = r.obs as Float32Array;
  const big = 6, W = 42 * big, px = new Uint8Array(W * W * 3);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) { const v = Math.round(o[((Math.floor(y / big) * 42 + Math.floor(x / big)) * 4) + 3] * 255); const i = (y * W + x) * 3; px[i] = px[i + 1] = px[i + 2] = v; }
  let u: any = env; while (u.inner && !u.render) u = u.inner; while (u.inner) u = u.inner;
  const f = u.render();
  writeFileSync(`/tmp/${name}42.png`, encodePng({ width: W, height: W, data: px }));
  writeFileSync(`/tmp/${name}full.png`, encodePng({ width: f.width, height: f.height, data: f.data }));
  return o;
}
const base = Array(40).fill(0);
const a = snap('faceR', [...base, 3, 3, 0, 0]);
const b = snap('faceL', [...base, 3, 3, 4, 0]);
let d = 0; for (let i = 3; i < a.length; i += 4) d += Math.abs(a[i] - b[i]);
console.log('sum |diff| of last frame', d.toFixed(3));
