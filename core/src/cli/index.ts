/**
 * The `mcp-gateway` program: one file per command group, wired here. `main` returns the exit code (see
 * cli-errors.ts), or undefined while `start` serves.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { describeError, isGatewayError } from '../errors.js';
import { registerAuditCommand } from './audit-command.js';
import { registerBroadcastCommand } from './broadcast-command.js';
import { ExitCode, exitCodeOf } from './cli-errors.js';
import { registerConfigCommands } from './config-commands.js';
import { registerServersCommands } from './servers-commands.js';
import { isServing, registerStartCommand } from './start-command.js';
import { registerTokenCommand } from './token-command.js';
import { registerToolsCommands } from './tools-commands.js';

/** Read here rather than imported from gateway.ts, so commands that only talk HTTP start without loading the server. */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command()
    .name('mcp-gateway')
    .description('Secure MCP Gateway: one authenticated, audited MCP endpoint in front of many MCP servers')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerStartCommand(program);
  registerConfigCommands(program);
  registerServersCommands(program);
  registerToolsCommands(program);
  registerBroadcastCommand(program);
  registerAuditCommand(program);
  registerTokenCommand(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number | undefined> {
  try {
    await buildProgram().parseAsync(argv);
    return isServing() ? undefined : ExitCode.Ok;
  } catch (error) {
    // Commander already printed its message (unknown option, missing argument) or the help text.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    process.stderr.write(`mcp-gateway: ${isGatewayError(error) ? error.message : describeError(error)}\n`);
    return exitCodeOf(error);
  }
}
