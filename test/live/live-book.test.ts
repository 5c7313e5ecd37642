/**
 * The live book (lib/live/, scripts/build-live.mjs): scripts/render.mjs renders two small chapters named
 * as the book's chapters 1 and 4 (no kernel run), and headless Chromium opens them from file://, as a
 * reader opening the book from disk would:
 *   - chapter 1's CartPole widget trains REINFORCE in the page to a mean return >= 195 over the last 20
 *     episodes within 60 s;
 *   - chapter 4's Kung-Fu widget refuses a file that is not the game's ROM with a clear message and no
 *     console error, accepts the ROM through its file input, emulates the same frames as Node (MD5 of
 *     each screen of a scripted action sequence, Node's hashes computed here with node:crypto), and the
 *     shipped agent plays 2,000 frames with a score above 0.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AleInterface } from '../../lib/atari/ale';
import { findRom, loadRom } from '../../lib/atari/roms';
import { projectRoot } from '../../lib/util/paths';
import { needResource } from '../helpers';
import { findJupyterPython } from '../notebooks/nbexec';
import { findChromium } from '../notebooks/browser';

const work = mkdtempSync(join(tmpdir(), 'dojo-live-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A notebook of markdown cells only (the render inserts the widgets; nothing needs a kernel). */
function notebook(cells: string[]): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: cells.map((text, i) => ({ cell_type: 'markdown', metadata: {}, source: [text], id: `cell-${i}` })),
  };
}

/** ALE actions, one per frame: NOOP, then RIGHT, LEFT, FIRE, DOWN, DOWNRIGHT, UPLEFTFIRE for 30 frames each, in turn. */
const SCRIPTED = Array.from({ length: 600 }, (_, i) => (i < 60 ? 0 : [3, 4, 1, 5, 8, 15][Math.floor(i / 30) % 6]));

/** Node's frame hashes for the same script: the emulator of lib/atari, MD5 by node:crypto. */
function nodeFrameHashes(): string[] {
  const ale = new AleInterface(loadRom('kung_fu_master'), { repeatActionProbability: 0 });
  return SCRIPTED.map((a) => {
    ale.act(a);
    return createHash('md5').update(ale.screenView).digest('hex');
  });
}

test('the live book: CartPole learns in the page, Kung-Fu Master plays the same frames as in Node', { timeout: 5 * 60_000 }, async (t) => {
  const python = needResource(t, findJupyterPython(), 'Jupyter (apt-get install jupyter-notebook jupyter-nbconvert)');
  if (!python) return;
  const chromium = needResource(t, findChromium(), 'Chromium (apt-get install chromium)');
  if (!chromium) return;

  const nbDir = join(work, 'nb');
  mkdirSync(nbDir, { recursive: true });
  writeFileSync(
    join(nbDir, '01_reinforce.ipynb'),
    JSON.stringify(notebook(['# Chapter 1\n\nREINFORCE.', '## Training with your functions\n\nText.', '## Watching a test game\n\nText.'])),
  );
  writeFileSync(
    join(nbDir, '04_a3c_kungfu.ipynb'),
    JSON.stringify(notebook(['# Chapter 4\n\nA3C.', '## An agent trained for an hour\n\nText.'])),
  );
  const site = join(work, 'site');
  const r = spawnSync(process.execPath, [join(projectRoot(), 'scripts', 'render.mjs'), '--from', nbDir, '--out', site], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `render failed:\n${r.stdout}\n${r.stderr}`);

  for (const asset of ['gradient-dojo-live.js', 'tfjs-wasm.js', 'kungfu-agent.js']) {
    assert.ok(existsSync(join(site, 'assets', asset)), `site/assets/${asset} missing`);
  }
  const ch1 = readFileSync(join(site, '01_reinforce.html'), 'utf8');
  const ch4 = readFileSync(join(site, '04_a3c_kungfu.html'), 'utf8');
  assert.ok(
    ch1.indexOf('data-live="cartpole"') < ch1.indexOf('>Watching a test game'),
    'the CartPole widget goes before "Watching a test game"',
  );
  assert.ok(ch4.includes('data-live="kungfu"'), "chapter 4 has the Kung-Fu widget (at the chapter's end when its heading is missing)");
  for (const page of [ch1, ch4]) {
    assert.equal(
      page.split('<script src="assets/gradient-dojo-live.js"></script>').length - 1,
      1,
      'each widget page loads the one shared bundle once',
    );
    assert.equal(
      page.split('<script src="assets/plotly.min.js"></script>').length - 1,
      1,
      'each widget page loads the shared plotly.js once',
    );
  }

  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const open = async (name: string) => {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(String(e)));
      // From file://, as the book opened from disk: no server, nothing fetched.
      await tab.goto(pathToFileURL(join(site, name)).href, { waitUntil: 'load' });
      return { tab, errors };
    };

    // Chapter 1: REINFORCE trains in the page.
    const one = await open('01_reinforce.html');
    const cart = '[data-live="cartpole"]';
    assert.equal(await one.tab.getAttribute(cart, 'data-status'), 'idle');
    await one.tab.click(`${cart} [data-live-start]`);
    await one.tab.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') !== 'running', cart, {
      timeout: 60_000,
    });
    const cartStatus = await one.tab.getAttribute(cart, 'data-status');
    const trained = JSON.parse((await one.tab.getAttribute(cart, 'data-result')) ?? '{}');
    assert.equal(
      cartStatus,
      'done',
      `the CartPole widget ended '${cartStatus}': ${await one.tab.textContent(`${cart} .dojo-live-message`)}`,
    );
    assert.ok(
      trained.episodes >= 20 && trained.meanReturn >= 195,
      `CartPole result ${JSON.stringify(trained)}: mean of the last 20 episodes >= 195`,
    );
    const backend = await one.tab.evaluate(() => GradientDojoLive.backend());
    assert.match(backend, /backend wasm/, `tfjs's wasm backend loads from file:// (the page runs on: ${backend})`);
    assert.deepEqual(one.errors, [], 'console errors on chapter 1');
    await one.tab.close();

    // Chapter 4: the ROM through the file input.
    const rom = (() => {
      try {
        return findRom('kung_fu_master');
      } catch {
        return null;
      }
    })();
    const romPath = needResource(t, rom, 'the Kung-Fu Master ROM (kung_fu_master.bin in ../shared/roms or GRADIENT_DOJO_ROMS)');
    if (!romPath) {
      console.error('\n*** live-book test: NO KUNG-FU MASTER ROM ON THIS MACHINE: the Kung-Fu widget was NOT tested ***\n');
      return;
    }
    const four = await open('04_a3c_kungfu.html');
    const kf = '[data-live="kungfu"]';
    const message = () => four.tab.textContent(`${kf} .dojo-live-message`);
    const notRom = join(work, 'notes.txt');
    writeFileSync(notRom, 'not a ROM\n');
    await four.tab.setInputFiles(`${kf} input[type=file]`, notRom);
    await four.tab.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'error', kf);
    assert.match((await message()) ?? '', /'notes\.txt' is not an Atari 2600 ROM: it has 10 bytes.*kung_fu_master\.bin/);
    const pong = join(work, 'pong.bin');
    writeFileSync(pong, new Uint8Array(2048).fill(0xea));
    await four.tab.setInputFiles(`${kf} input[type=file]`, pong);
    await four.tab.waitForFunction((sel) => /md5/.test(document.querySelector(`${sel} .dojo-live-message`)?.textContent ?? ''), kf);
    assert.match(
      (await message()) ?? '',
      /'pong\.bin' has md5 [0-9a-f]{32}, which is not a ROM of any supported game.*kung_fu_master\.bin/,
    );
    assert.equal(await four.tab.getAttribute(`${kf} [data-live-start]`, 'disabled'), '', 'Play stays disabled after a wrong file');
    assert.deepEqual(four.errors, [], 'a wrong file gives no console error');

    await four.tab.setInputFiles(`${kf} input[type=file]`, romPath);
    await four.tab.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'idle', kf);
    assert.match((await message()) ?? '', /kung_fu_master/);

    const browserHashes = await four.tab.evaluate((actions) => GradientDojoLive.frameHashes(actions), SCRIPTED);
    const nodeHashes = nodeFrameHashes();
    assert.ok(new Set(nodeHashes).size > 50, 'the scripted frames differ from one another (the check means something)');
    const firstDiff = nodeHashes.findIndex((h, i) => h !== browserHashes[i]);
    assert.equal(firstDiff, -1, `Chromium's frame ${firstDiff + 1} differs from Node's`);

    await four.tab.selectOption(`${kf} [data-live-speed]`, '0');
    await four.tab.click(`${kf} [data-live-start]`);
    await four.tab.waitForFunction(
      (sel) => {
        const e = document.querySelector(sel);
        return e?.getAttribute('data-status') !== 'running' || JSON.parse(e.getAttribute('data-result') ?? '{}').frames >= 2000;
      },
      kf,
      { timeout: 60_000 },
    );
    await four.tab.click(`${kf} [data-live-start]`); // stop
    const played = JSON.parse((await four.tab.getAttribute(kf, 'data-result')) ?? '{}');
    assert.ok(played.frames >= 2000, `the agent played ${played.frames} frames (${await message()})`);
    assert.ok(played.score > 0, `the agent scored ${played.score} in ${played.frames} frames`);
    assert.deepEqual(four.errors, [], 'console errors on chapter 4');
  } finally {
    await browser.close();
  }
});

declare const GradientDojoLive: { frameHashes(actions: number[]): string[]; backend(): Promise<string> };
