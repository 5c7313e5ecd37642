/**
 * Adds to a checkpoint written before they were recorded its network's shape, the byte length of
 * arrays.bin and the checksums of both files, after loading it into its algorithm (so that it is
 * known to fit). arrays.bin is not changed; state.json gains `snapshot.network`, `bytes` and `checksum`.
 *
 * Usage: node --import tsx scripts/seal-checkpoint.ts CHECKPOINT_DIR...
 */
import { loadAlgorithm } from '../lib/algos/registry';
import { ready } from '../lib/nn/backend';
import { findCheckpoint, sealCheckpoint } from '../lib/runs/checkpoint';

async function main(dirs: string[]): Promise<void> {
  if (dirs.length === 0) throw new Error('usage: node --import tsx scripts/seal-checkpoint.ts CHECKPOINT_DIR...');
  await ready();
  for (const dir of dirs) {
    const found = findCheckpoint(dir);
    if (!found || found.recovered) throw new Error(`${dir}: no checkpoint (expected state.json and arrays.bin)`);
    const { algo } = loadAlgorithm(found.dir, { workerThreads: false });
    const network = algo.snapshot().network;
    await algo.dispose();
    sealCheckpoint(found.dir, network);
    console.log(`${found.dir}: sealed (${network ? `network ${JSON.stringify(network)}, ` : ''}byte length and checksums)`);
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
