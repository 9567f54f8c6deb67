/** Plain-text tables for the console, and the number formats every case uses. */
export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Lines printed under the table (how to read it, caveats). */
  notes?: string[];
}

export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  // Text left-aligned in the first column, figures right-aligned elsewhere.
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [table.title, rule, line(cells[0]!), rule, ...cells.slice(1).map(line), rule, ...(table.notes ?? []).map((note) => `  ${note}`)].join('\n');
}

export const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a');
export const signedMs = (value: number): string => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms` : 'n/a');
export const rate = (value: number): string => `${Math.round(value)}/s`;
export const percent = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a');
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
