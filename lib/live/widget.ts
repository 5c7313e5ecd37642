/**
 * What every live widget shares: its state in the DOM (`data-status`: idle | running | done | error, and
 * `data-result`: JSON), so that a reader's eyes, a test or a script can all follow it; the message line;
 * the page's shared Plotly; and yielding to the browser between pieces of work.
 */
import type { PlotlyFigure } from '../viz/plots';

export type LiveStatus = 'idle' | 'running' | 'done' | 'error';

/** The slice of plotly.js the widgets use (the site's shared assets/plotly.min.js sets window.Plotly). */
export interface PlotlyLike {
  react(el: HTMLElement, data: PlotlyFigure['data'], layout: PlotlyFigure['layout'], config?: Record<string, unknown>): unknown;
}

export class WidgetState {
  readonly message: HTMLElement;

  constructor(readonly root: HTMLElement) {
    this.message = el('p', { class: 'dojo-live-message', role: 'status' });
    this.set('idle', null);
  }

  set(status: LiveStatus, result: object | null): void {
    this.root.dataset.status = status;
    if (result !== null) this.root.dataset.result = JSON.stringify(result);
  }

  get status(): LiveStatus {
    return this.root.dataset.status as LiveStatus;
  }

  say(text: string, kind: 'info' | 'error' = 'info'): void {
    this.message.textContent = text;
    this.message.classList.toggle('dojo-live-error', kind === 'error');
  }

  /** Shows an error in the widget (never thrown to the console) and sets status 'error'. */
  fail(e: unknown, result: object | null = null): void {
    this.set('error', result);
    this.say(e instanceof Error ? e.message : String(e), 'error');
  }
}

/** A new element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** The page's Plotly, or null where the page loads none. */
export function plotly(): PlotlyLike | null {
  return ((globalThis as { Plotly?: PlotlyLike }).Plotly as PlotlyLike | undefined) ?? null;
}

/** Lets the browser draw and handle input (a macrotask, so that rendering and clicks get their turn). */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Draws an RGB frame (3 bytes per pixel) on a canvas of the frame's size. */
export function drawRgb(canvas: HTMLCanvasElement, frame: { width: number; height: number; data: Uint8Array }): void {
  if (canvas.width !== frame.width) canvas.width = frame.width;
  if (canvas.height !== frame.height) canvas.height = frame.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(frame.width, frame.height);
  const src = frame.data;
  const dst = img.data;
  for (let i = 0, j = 0; i < src.length; i += 3, j += 4) {
    dst[j] = src[i];
    dst[j + 1] = src[i + 1];
    dst[j + 2] = src[i + 2];
    dst[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
