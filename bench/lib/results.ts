/** Where a run's JSON goes, and the machine facts recorded with it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function machineInfo() {
  const cores = cpus();
  return { node: process.version, platform: `${platform()} ${release()}`, cpu: cores[0]?.model ?? 'unknown', cores: cores.length, memoryBytes: totalmem() };
}

/** Writes the run to bench/results/<timestamp>.json and bench/results/latest.json; returns the first path. */
export async function writeResults(run: Record<string, unknown>): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(run, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(join(RESULTS_DIR, 'latest.json'), text);
  return file;
}
