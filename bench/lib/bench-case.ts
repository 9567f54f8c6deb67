/** The contract of a benchmark case (one module in bench/cases/), and what run.ts hands it. */
import type { Table } from './table.js';

export interface BenchOptions {
  /** Shorter loops, for a smoke run. */
  quick: boolean;
  /** When set, gateways started by the case write a V8 CPU profile here. */
  profileDir?: string;
}

export interface BenchContext {
  options: BenchOptions;
  log(line: string): void;
  /** Registers a cleanup (stop a process, close a client); run.ts runs them after the case, last first, even on failure. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
}

/** A figure compared with its target, shown in the summary. */
export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  pass: boolean;
}

export interface CaseReport {
  tables: Table[];
  checks?: TargetCheck[];
  /** Everything measured, written to bench/results/*.json. */
  data: Record<string, unknown>;
}

export interface BenchCase {
  /** What `npm run bench -- <name>` selects; by convention the file name. */
  name: string;
  description: string;
  run(context: BenchContext): Promise<CaseReport>;
}

export function defineCase(benchCase: BenchCase): BenchCase {
  return benchCase;
}
