#!/usr/bin/env node
// The live book's browser assets, written into a site's assets/ folder (`npm run render` calls it; alone:
// `node scripts/build-live.mjs [ASSETS_DIR]`, default site/assets):
//
//   gradient-dojo-live.js  lib/live/main.ts and everything it imports from lib/, bundled by esbuild into
//                          one script (global `GradientDojoLive`) shared by every page. The library's own
//                          modules run in the page, not a second implementation. Two substitutions:
//                          '@tensorflow/tfjs' is lib/live/tfjs.ts (tfjs's core and cpu kernels, without
//                          the umbrella package's WebGL, layers and converter), and lib/atari/roms.ts,
//                          which searches folders in Node, is lib/live/roms.ts (the reader's own file).
//                          Any Node built-in module a lib/ module of the bundle imports fails the build,
//                          naming it.
//   tfjs-wasm.js           tfjs-backend-wasm's SIMD binary as base64 (GradientDojoWasm): a page opened
//                          from file:// may not fetch a .wasm file beside it, but it may run a script.
//   kungfu-agent.js        the shipped agent (checkpoints/kung_fu_master_a3c/, read and checked by the
//                          library's checkpoint reader): its config and parameters (GradientDojoKungFuAgent;
//                          the optimiser's moments are left out).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const LIVE_BUNDLE = 'gradient-dojo-live.js';
export const LIVE_WASM = 'tfjs-wasm.js';
export const LIVE_AGENT = 'kungfu-agent.js';

/** lib/ modules that only run in Node, and the browser module bundled in their place. */
const BROWSER_STAND_INS = { [join(root, 'lib', 'atari', 'roms.ts')]: join(root, 'lib', 'live', 'roms.ts') };

const standIns = {
  name: 'gradient-dojo-browser-stand-ins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = resolve(args.resolveDir, args.path);
      for (const candidate of [base, `${base}.ts`]) {
        if (BROWSER_STAND_INS[candidate]) return { path: BROWSER_STAND_INS[candidate] };
      }
      return undefined;
    });
    const builtins = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
    // Only lib/'s own imports: packages map Node's modules away themselves (their package.json "browser" field).
    build.onResolve({ filter: builtins }, (args) =>
      args.importer.startsWith(join(root, 'lib'))
        ? {
            errors: [
              {
                text: `${args.importer.replace(`${root}/`, '')} imports Node's '${args.path}', which a browser does not have: keep it out of lib/live/main.ts's imports (see scripts/build-live.mjs)`,
              },
            ],
          }
        : undefined,
    );
  },
};

/** Bundles lib/live/main.ts into `outFile`; returns its size in bytes. */
export async function bundleLive(outFile) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'lib', 'live', 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'GradientDojoLive',
    target: 'es2020',
    minify: true,
    legalComments: 'eof',
    alias: { '@tensorflow/tfjs': join(root, 'lib', 'live', 'tfjs.ts') },
    // The book's pages load require.js (nbconvert's template); a UMD module in the bundle that saw its
    // global `define` would register itself there ("Mismatched anonymous define()") instead of loading.
    define: { define: 'undefined' },
    plugins: [standIns],
    outfile: outFile,
    logLevel: 'error',
  });
  return statSync(outFile).size;
}

/** tfjs-backend-wasm's SIMD binary, as a script setting GradientDojoWasm. */
function writeWasm(outFile) {
  const dist = join(dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/package.json'))), 'dist');
  const bytes = readFileSync(join(dist, 'tfjs-backend-wasm-simd.wasm'));
  writeFileSync(
    outFile,
    `// tfjs-backend-wasm ${readPkgVersion('@tensorflow/tfjs-backend-wasm')} (Apache-2.0): tfjs-backend-wasm-simd.wasm, base64\nwindow.GradientDojoWasm="${bytes.toString('base64')}";\n`,
  );
}

function readPkgVersion(name) {
  return JSON.parse(readFileSync(fileURLToPath(import.meta.resolve(`${name}/package.json`)), 'utf8')).version;
}

/** The shipped agent, read with the library's checkpoint reader (checksums and all), as a script. */
function writeAgent(outFile, checkpoint = join(root, 'checkpoints', 'kung_fu_master_a3c')) {
  const code = `
    const { loadCheckpoint } = require('./lib/runs/checkpoint');
    const ck = loadCheckpoint(process.argv[1]);
    const p = ck.snapshot.arrays.params;
    const agent = {
      algo: ck.snapshot.algo,
      config: ck.snapshot.config,
      trainer: { seconds: ck.trainer.seconds, envSteps: ck.trainer.envSteps, episodes: ck.trainer.episodes },
      params: Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64'),
    };
    require('node:fs').writeFileSync(process.argv[2],
      '// The Kung-Fu Master agent of checkpoints/kung_fu_master_a3c (config and parameters)\\nwindow.GradientDojoKungFuAgent=' + JSON.stringify(agent) + ';\\n');
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code, checkpoint, outFile], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reading the shipped agent ${checkpoint} failed:\n${r.stderr}`);
}

/** Writes the three assets into `assetsDir`; returns their sizes in bytes. */
export async function buildLive(assetsDir) {
  mkdirSync(assetsDir, { recursive: true });
  const sizes = {};
  sizes[LIVE_BUNDLE] = await bundleLive(join(assetsDir, LIVE_BUNDLE));
  writeWasm(join(assetsDir, LIVE_WASM));
  sizes[LIVE_WASM] = statSync(join(assetsDir, LIVE_WASM)).size;
  writeAgent(join(assetsDir, LIVE_AGENT));
  sizes[LIVE_AGENT] = statSync(join(assetsDir, LIVE_AGENT)).size;
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(root, 'site', 'assets'));
  const sizes = await buildLive(dir);
  for (const [name, bytes] of Object.entries(sizes)) console.log(`  ${join(dir, name)}  ${(bytes / 1e6).toFixed(2)} MB`);
}
