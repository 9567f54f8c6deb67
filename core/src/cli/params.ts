/** Tool arguments from the command line: `--param k=v` (repeatable), `--params '{json}'` or `--params-file file.json`. */
import { readFile } from 'node:fs/promises';
import { describeError } from '../errors.js';
import { UsageError } from './cli-errors.js';

export interface ParamOptions {
  param?: string[];
  params?: string;
  paramsFile?: string;
}

/** Collects repeated `--param` values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Merges the sources (file, then JSON, then single params). A `--param` value is read as JSON when it parses
 * (`count=3`, `flag=true`, `filter={"a":1}`), otherwise as a string (`q=error AND campaign`).
 */
export async function readParams(options: ParamOptions): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  if (options.paramsFile) Object.assign(merged, asObject(await readText(options.paramsFile), `--params-file ${options.paramsFile}`));
  if (options.params !== undefined) Object.assign(merged, asObject(options.params, '--params'));
  for (const pair of options.param ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--param "${pair}" must look like key=value`);
    merged[pair.slice(0, equals)] = jsonOrString(pair.slice(equals + 1));
  }
  return merged;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --params-file ${path}: ${describeError(error)}`);
  }
}

function asObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${describeError(error)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${source} must be a JSON object, e.g. {"query": "error"}`);
  return value as Record<string, unknown>;
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `a,b , c` → `['a', 'b', 'c']`. */
export function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}
