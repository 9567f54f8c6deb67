/** `mcp-gateway broadcast TOOL`: one call fanned out to every server with that tool (or a tag / server subset). */
import { type Command, Option } from 'commander';
import { OperationFailedError, RemoteError } from './cli-errors.js';
import { addRemoteOptions, GatewayClient, type RemoteOptions } from './gateway-client.js';
import { printJson, printLine, withProgress } from './output.js';
import { commaList, readParams, type ParamOptions } from './params.js';
import { addParamOptions, shorten } from './tools-commands.js';

/** The answer of `POST /mcp/invoke-broadcast`. */
export interface BroadcastAnswer {
  tool_name: string;
  total_servers: number;
  successful: number;
  failed: number;
  execution_time_ms: number;
  results: Record<string, unknown>;
  errors: Record<string, unknown>;
}

type Format = 'summary' | 'full' | 'json';

export function registerBroadcastCommand(program: Command): void {
  addParamOptions(
    addRemoteOptions(
      program
        .command('broadcast')
        .argument('<tool>', 'tool name as the servers know it, e.g. search_logs')
        .description('call a tool on every server that has it, at once (exit code 1 when any server failed)')
        .option('--tags <list>', 'only servers with one of these comma-separated tags', commaList)
        .option('--servers <list>', 'only these comma-separated servers', commaList)
        .addOption(new Option('--format <format>', 'summary cuts each result to 200 characters').choices(['summary', 'full', 'json']).default('summary'))
        .option('--json', 'same as --format json'),
    ),
  ).action(async (tool: string, options: RemoteOptions & ParamOptions & { tags?: string[]; servers?: string[]; format: Format; json?: boolean }) => {
    const parameters = await readParams(options);
    const client = new GatewayClient(options);
    const body = { tool_name: tool, parameters, ...(options.tags ? { tags: options.tags } : {}), ...(options.servers ? { mcp_servers: options.servers } : {}) };
    const answer = await withProgress(`broadcasting ${tool}`, () => client.request<BroadcastAnswer>('POST', '/mcp/invoke-broadcast', body)).catch((error: unknown) => {
      if (error instanceof RemoteError && error.status === 404 && /no route/.test(error.message)) {
        throw new RemoteError(404, error.code, `${error.message} (this gateway has no broadcast endpoint: add the broadcast plugin to its config)`);
      }
      throw error;
    });
    printBroadcast(answer, options.json ? 'json' : options.format);
    if (answer.failed > 0) throw new OperationFailedError(`${answer.failed} of ${answer.total_servers} servers failed`);
  });
}

export function printBroadcast(answer: BroadcastAnswer, format: Format): void {
  if (format === 'json') return printJson(answer);
  printLine(`BROADCAST RESULTS: ${answer.tool_name}`);
  printLine(`Total Servers: ${answer.total_servers}`);
  printLine(`Successful: ${answer.successful}`);
  printLine(`Failed: ${answer.failed}`);
  printLine(`Execution Time: ${answer.execution_time_ms}ms`);
  printLine();
  printLine('RESULTS BY SERVER:');
  printLine('-'.repeat(80));
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, format === 'full' ? 2 : undefined));
  for (const [server, result] of Object.entries(answer.results)) {
    printLine();
    printLine(`[${server}]`);
    printLine(format === 'summary' ? shorten(text(result), 200) : text(result));
  }
  for (const [server, error] of Object.entries(answer.errors ?? {})) {
    printLine();
    printLine(`[${server}] FAILED: ${text(error)}`);
  }
}
