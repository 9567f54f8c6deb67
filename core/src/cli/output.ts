/** What commands print: JSON for `--json` (stdout holds only data), aligned tables for people, progress on stderr. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A plain text table; `columns` maps header → how to read a cell. */
export function printTable<T>(rows: readonly T[], columns: Record<string, (row: T) => unknown>): void {
  const headers = Object.keys(columns);
  const cells = rows.map((row) => headers.map((header) => cellText(columns[header]!(row))));
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((line) => line[index]!.length)));
  const format = (line: string[]) => line.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  printLine(format(headers.map((header) => header.toUpperCase())));
  for (const line of cells) printLine(format(line));
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? value.join(',') : '-';
  return String(value).replace(/\s+/g, ' ');
}

/**
 * Progress for operations that take a while (a broadcast, listing every server's tools). Only on a terminal, so
 * scripts and `--json` pipelines see nothing extra; returns the function that clears the line.
 */
export function progress(message: string): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const frames = ['|', '/', '-', '\\'];
  let frame = 0;
  const draw = () => process.stderr.write(`\r${frames[frame++ % frames.length]} ${message}`);
  draw();
  const timer = setInterval(draw, 120);
  return () => {
    clearInterval(timer);
    process.stderr.write(`\r${' '.repeat(message.length + 2)}\r`);
  };
}

export async function withProgress<T>(message: string, work: () => Promise<T>): Promise<T> {
  const done = progress(message);
  try {
    return await work();
  } finally {
    done();
  }
}
