/**
 * `npm run bench [-- <case>... ] [--quick] [--profile] [--list]`
 * Runs every case in bench/cases/ (or the named ones), prints their tables and target checks, and writes the
 * figures to bench/results/. Exits non-zero when a case fails to run; missed targets are reported, not fatal.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchCase, BenchContext, CaseReport, TargetCheck } from './lib/bench-case.js';
import { machineInfo, RESULTS_DIR, writeResults } from './lib/results.js';
import { formatTable } from './lib/table.js';

const CASES_DIR = fileURLToPath(new URL('./cases/', import.meta.url));

async function loadCases(): Promise<BenchCase[]> {
  const files = (await readdir(CASES_DIR)).filter((file) => file.endsWith('.ts')).sort();
  const cases: BenchCase[] = [];
  for (const file of files) {
    const loaded = (await import(pathToFileURL(join(CASES_DIR, file)).href) as { default?: BenchCase }).default;
    if (!loaded?.name || typeof loaded.run !== 'function') throw new Error(`bench/cases/${file} must export default defineCase({...})`);
    cases.push(loaded);
  }
  return cases;
}

/** Runs one case with its cleanups, last registered first, whatever happens. */
async function runCase(benchCase: BenchCase, options: BenchContext['options']): Promise<CaseReport> {
  const cleanups: Array<() => unknown> = [];
  const context: BenchContext = {
    options,
    log: (line) => console.error(`  [${benchCase.name}] ${line}`),
    defer: (cleanup) => void cleanups.push(cleanup),
  };
  try {
    return await benchCase.run(context);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`  [${benchCase.name}] cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

function printChecks(checks: TargetCheck[]): void {
  if (!checks.length) return;
  console.log(formatTable({ title: 'targets', columns: ['figure', 'target', 'measured', 'result'], rows: checks.map((c) => [c.name, c.target, c.actual, c.pass ? 'met' : 'MISSED']) }));
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false }, list: { type: 'boolean', default: false } } });
  const cases = await loadCases();
  if (values.list) {
    for (const c of cases) console.log(`${c.name.padEnd(20)} ${c.description}`);
    return 0;
  }
  const unknown = positionals.filter((name) => !cases.some((c) => c.name === name));
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}; available: ${cases.map((c) => c.name).join(', ')}`);
    return 2;
  }
  const selected = positionals.length ? cases.filter((c) => positionals.includes(c.name)) : cases;
  const options = { quick: values.quick, ...(values.profile ? { profileDir: join(RESULTS_DIR, 'profiles') } : {}) };
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.platform}${options.quick ? ' (quick run)' : ''}\n`);

  const results: Record<string, unknown> = {};
  const checks: TargetCheck[] = [];
  let failed = 0;
  for (const benchCase of selected) {
    console.log(`== ${benchCase.name}: ${benchCase.description}`);
    try {
      const report = await runCase(benchCase, options);
      for (const table of report.tables) console.log(`${formatTable(table)}\n`);
      checks.push(...(report.checks ?? []));
      results[benchCase.name] = { ...report.data, checks: report.checks ?? [] };
    } catch (error) {
      failed++;
      console.error(`case ${benchCase.name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      results[benchCase.name] = { failed: error instanceof Error ? error.message : String(error) };
    }
  }
  printChecks(checks);
  const file = await writeResults({ date: new Date().toISOString(), machine, options, cases: results });
  console.log(`\nresults: ${file}${options.profileDir ? `\nCPU profiles of the gateway processes: ${options.profileDir}` : ''}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
