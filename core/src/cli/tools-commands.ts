/** `mcp-gateway tools list` and `mcp-gateway invoke`: what a running gateway offers, and calling one tool. */
import type { Command } from 'commander';
import { OperationFailedError } from './cli-errors.js';
import { addRemoteOptions, GatewayClient, segment, type RemoteOptions } from './gateway-client.js';
import { printJson, printLine, printTable, withProgress } from './output.js';
import { collect, readParams, type ParamOptions } from './params.js';
import type { ServerSummary } from './servers-commands.js';

interface ToolInfo {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

interface ServerTool extends ToolInfo {
  server: string;
}

export function registerToolsCommands(program: Command): void {
  const tools = program.command('tools').description('list the tools of a running gateway');
  addRemoteOptions(
    tools
      .command('list')
      .description('list tools, of one server (--server) or of every enabled server that is up')
      .option('-s, --server <name>', 'only this server')
      .option('--json', 'print JSON'),
  ).action(async (options: RemoteOptions & { server?: string; json?: boolean }) => {
    const client = new GatewayClient(options);
    const list = options.server ? await toolsOf(client, options.server) : await allTools(client);
    if (options.json) return printJson({ tools: list, count: list.length });
    if (!list.length) return printLine('no tools');
    printTable(list, { server: (t) => t.server, tool: (t) => t.name, description: (t) => shorten(t.description ?? '', 80) });
  });

  addParamOptions(
    addRemoteOptions(
      program
        .command('invoke')
        .argument('<server>', 'server name')
        .argument('<tool>', 'the tool\'s name on that server')
        .description('call one tool on one server and print its result (exit code 1 when the tool reports an error)')
        .option('--json', 'print the gateway\'s whole answer as JSON'),
    ),
  ).action(async (server: string, tool: string, options: RemoteOptions & ParamOptions & { json?: boolean }) => {
    const parameters = await readParams(options);
    const client = new GatewayClient(options);
    const body = await withProgress(`calling ${tool} on ${server}`, () =>
      client.request<InvokeAnswer>('POST', `/mcp/invoke?mcp_server=${segment(server)}`, { tool_name: tool, parameters }),
    );
    if (options.json) printJson(body);
    else printResult(body.result);
    if (!body.success) throw new OperationFailedError(`tool "${tool}" on server "${server}" returned an error`);
  });
}

interface InvokeAnswer {
  success: boolean;
  result: { content?: Array<{ type: string; text?: string }>; structuredContent?: unknown; isError?: boolean };
  execution_time_ms: number;
}

/** Text content as text; anything else (images, resources, structured content) as JSON. */
function printResult(result: InvokeAnswer['result']): void {
  for (const item of result.content ?? []) printLine(item.type === 'text' ? item.text ?? '' : JSON.stringify(item));
  if (!result.content?.length && result.structuredContent !== undefined) printJson(result.structuredContent);
}

export function addParamOptions(command: Command): Command {
  return command
    .option('--param <key=value>', 'one argument; the value is JSON when it parses, else a string (repeatable)', collect)
    .option('-p, --params <json>', 'all arguments as a JSON object')
    .option('--params-file <file>', 'all arguments from a JSON file');
}

async function toolsOf(client: GatewayClient, server: string): Promise<ServerTool[]> {
  const body = await client.get<{ tools: ToolInfo[] }>(`/mcp/list-tools?mcp_server=${segment(server)}`);
  return body.tools.map((tool) => ({ server, ...tool }));
}

async function allTools(client: GatewayClient): Promise<ServerTool[]> {
  const { servers } = await client.get<{ servers: ServerSummary[] }>('/mcp/servers');
  const live = servers.filter((server) => server.enabled && server.status === 'up');
  const lists: ServerTool[][] = [];
  for (const [index, server] of live.entries()) {
    lists.push(await withProgress(`listing tools of ${server.name} (${index + 1}/${live.length})`, () => toolsOf(client, server.name)));
  }
  return lists.flat();
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
