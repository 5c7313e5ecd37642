/** Tiny software rasteriser for environment pictures: filled rectangles, convex polygons, circles. */
import type { RgbFrame } from './core';

export type Rgb = readonly [number, number, number];

export function blankFrame(width: number, height: number, colour: Rgb = [255, 255, 255]): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  if (colour[0] === colour[1] && colour[1] === colour[2]) data.fill(colour[0]);
  else
    for (let i = 0; i < data.length; i += 3) {
      data[i] = colour[0];
      data[i + 1] = colour[1];
      data[i + 2] = colour[2];
    }
  return { width, height, data };
}

function put(f: RgbFrame, x: number, y: number, c: Rgb): void {
  if (x < 0 || y < 0 || x >= f.width || y >= f.height) return;
  const i = (y * f.width + x) * 3;
  f.data[i] = c[0];
  f.data[i + 1] = c[1];
  f.data[i + 2] = c[2];
}

/** Fills the pixels whose centres lie in [x0, x1) x [y0, y1). */
export function fillRect(f: RgbFrame, x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
  const xa = Math.max(0, Math.ceil(x0 - 0.5)),
    xb = Math.min(f.width, Math.ceil(x1 - 0.5));
  const ya = Math.max(0, Math.ceil(y0 - 0.5)),
    yb = Math.min(f.height, Math.ceil(y1 - 0.5));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) put(f, x, y, c);
}

/** Fills a convex polygon (vertices in order, either winding), testing each pixel centre. */
export function fillConvexPolygon(f: RgbFrame, pts: ReadonlyArray<readonly [number, number]>, c: Rgb): void {
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (const [x, y] of pts) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const n = pts.length;
  for (let y = Math.max(0, Math.floor(minY)); y <= Math.min(f.height - 1, Math.ceil(maxY)); y++) {
    for (let x = Math.max(0, Math.floor(minX)); x <= Math.min(f.width - 1, Math.ceil(maxX)); x++) {
      const px = x + 0.5,
        py = y + 0.5;
      let pos = false,
        neg = false;
      for (let i = 0; i < n; i++) {
        const [ax, ay] = pts[i],
          [bx, by] = pts[(i + 1) % n];
        const cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
        if (cross > 0) pos = true;
        else if (cross < 0) neg = true;
      }
      if (!(pos && neg)) put(f, x, y, c);
    }
  }
}

export function fillCircle(f: RgbFrame, cx: number, cy: number, r: number, c: Rgb): void {
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(f.height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(f.width - 1, Math.ceil(cx + r)); x++) {
      const dx = x + 0.5 - cx,
        dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= r * r) put(f, x, y, c);
    }
  }
}
