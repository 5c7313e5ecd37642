import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

export function findChromium(): string | null {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (p && existsSync(p)) return p;
  }
  return null;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Serves a folder on 127.0.0.1 (a random free port). */
function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (!path.startsWith(dir) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    }),
  );
}

export interface PageReport {
  page: string;
  consoleErrors: string[];
  plotlyChartsWithData: number;
  decodedGifs: number;
  decodedImages: number;
  mathRendered: number;
  /** Whether the page loads the site's one shared plotly.js (assets/plotly.min.js). */
  sharedPlotly: boolean;
  /** Inline <script>s carrying a copy of plotly.js (the site's pages should have none). */
  embeddedPlotly: number;
  /** The natural width of every decoded GIF, in page order. */
  gifWidths: number[];
}

/** Opens each page in headless Chromium and reports what rendered. */
export async function checkBook(chromium: string, siteDir: string, pages: string[]): Promise<PageReport[]> {
  const { chromium: pw } = await import('playwright-core');
  const { server, base } = await serve(siteDir);
  const browser = await pw.launch({
    executablePath: chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const reports: PageReport[] = [];
    for (const page of pages) {
      const tab = await browser.newPage();
      const consoleErrors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      tab.on('pageerror', (e) => consoleErrors.push(String(e)));
      tab.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()}`));
      tab.on('response', (r) => {
        if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await tab.goto(base + page, { waitUntil: 'load', timeout: 120_000 });
      await tab.waitForTimeout(1500);
      const counts = await tab.evaluate(() => {
        type Trace = Record<string, { length: number } | undefined>;
        const plots = Array.from(document.querySelectorAll('.js-plotly-plot')) as unknown as { data?: Trace[] }[];
        const withData = plots.filter(
          (p) => Array.isArray(p.data) && p.data.some((tr) => ['x', 'y', 'z', 'values'].some((k) => (tr[k]?.length ?? 0) > 0)),
        ).length;
        const imgs = Array.from(document.querySelectorAll('img')) as HTMLImageElement[];
        const decoded = imgs.filter((i) => i.complete && i.naturalWidth > 0);
        const gifs = decoded.filter((i) => i.src.startsWith('data:image/gif') || /\.gif$/i.test(i.src));
        const scripts = Array.from(document.querySelectorAll('script')) as HTMLScriptElement[];
        return {
          sharedPlotly: scripts.some((s) => /(^|\/)assets\/plotly\.min\.js$/.test(s.getAttribute('src') ?? '')),
          embeddedPlotly: scripts.filter((s) => !s.src && (s.hasAttribute('data-dojo') || (s.textContent ?? '').length > 1_000_000)).length,
          gifWidths: gifs.map((i) => i.naturalWidth),
          plotlyChartsWithData: withData,
          decodedGifs: gifs.length,
          decodedImages: decoded.length,
          mathRendered: document.querySelectorAll('.MathJax_CHTML, mjx-container').length,
        };
      });
      reports.push({ page, consoleErrors, ...counts });
      await tab.close();
    }
    return reports;
  } finally {
    await browser.close();
    server.close();
  }
}
