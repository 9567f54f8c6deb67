import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `mcp-gateway` program (run `npx tsc -b` first). */
export const CLI = fileURLToPath(new URL('../../core/dist/cli.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mcp-gateway ...args` as a user would: a child process with only PATH (plus `env`) in its environment, so
 * the developer's own MCP_GATEWAY_* variables never leak in. Never throws for a non-zero exit.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...options.env }, cwd: options.cwd, timeout: options.timeoutMs ?? 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
