/**
 * `mcp-gateway servers …`: list and inspect a running gateway's servers, and register, change or remove servers —
 * in the local servers file by default (comments kept; a running gateway watching the file applies the change at
 * once), or through a running gateway's admin API with `--url`.
 */
import { type Command, Option } from 'commander';
import type { BackendAuthConfig } from '../backends/server-config.js';
import type { ServerConfigInput } from '../config/gateway-config.js';
import type { ServersFileEdit, ServerUpdate } from '../config/servers-file-editor.js';
import { UsageError } from './cli-errors.js';
import { addRemoteOptions, GatewayClient, positiveNumber, segment, type RemoteOptions } from './gateway-client.js';
import { printJson, printLine, printTable } from './output.js';
import { collect, commaList } from './params.js';

export interface ServerSummary {
  name: string;
  url: string | null;
  type: string;
  enabled: boolean;
  description: string | null;
  tags: string[];
  timeout: number;
  status: string;
  last_error: string | null;
  tool_count: number;
}

interface ChangeOptions extends Partial<RemoteOptions> {
  file: string;
  json?: boolean;
}

export function registerServersCommands(program: Command): void {
  const servers = program.command('servers').description('list, inspect, register, enable, disable and remove MCP servers');

  addRemoteOptions(servers.command('list').description('list the servers of a running gateway').option('--json', 'print JSON')).action(
    async (options: RemoteOptions & { json?: boolean }) => {
      const body = await new GatewayClient(options).get<{ servers: ServerSummary[]; count: number }>('/mcp/servers');
      if (options.json) return printJson(body);
      if (!body.servers.length) return printLine('no servers');
      printTable(body.servers, { name: (s) => s.name, type: (s) => s.type, enabled: (s) => s.enabled, status: (s) => s.status, tools: (s) => s.tool_count, tags: (s) => s.tags, url: (s) => s.url });
    },
  );

  addRemoteOptions(servers.command('info').argument('<name>', 'server name').description('show one server of a running gateway: status, capabilities, counts').option('--json', 'print JSON')).action(
    async (name: string, options: RemoteOptions & { json?: boolean }) => {
      const body = await new GatewayClient(options).get<Record<string, unknown>>(`/mcp/server/${segment(name)}/info`);
      if (options.json) return printJson(body);
      for (const [key, value] of Object.entries(body)) printLine(`${key.padEnd(16)} ${value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    },
  );

  registerCommand(servers);

  for (const enabled of [true, false]) {
    changeCommand(servers.command(enabled ? 'enable' : 'disable').argument('<name>', 'server name').description(`${enabled ? 'enable' : 'disable'} a server`)).action(
      (name: string, options: ChangeOptions) => applyChange({ action: 'update', name, fields: { enabled } }, options),
    );
  }

  changeCommand(
    servers
      .command('update')
      .argument('<name>', 'server name')
      .description('change a server\'s description, tags or timeout')
      .option('--description <text>', 'description')
      .option('--tags <list>', 'comma-separated tags (replace the current ones)', commaList)
      .option('--timeout <seconds>', 'per-request timeout of the server, in seconds', positiveNumber),
  ).action((name: string, options: ChangeOptions & { description?: string; tags?: string[]; timeout?: number }) => {
    const fields: ServerUpdate = {
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    };
    if (!Object.keys(fields).length) throw new UsageError('nothing to change: give --description, --tags or --timeout');
    return applyChange({ action: 'update', name, fields }, options);
  });

  changeCommand(servers.command('remove').argument('<name>', 'server name').description('remove a server')).action(
    (name: string, options: ChangeOptions) => applyChange({ action: 'remove', name }, options),
  );
}

/** `servers register NAME URL`: the seed's `register-mcp` flags, every backend auth option included. */
function registerCommand(servers: Command): void {
  changeCommand(
    servers
      .command('register')
      .argument('<name>', 'server name (letters, digits, ".", "-", single "_")')
      .argument('<url>', 'the server\'s MCP endpoint, e.g. https://mcp.example.com/mcp')
      .description('register an MCP server reached over HTTP')
      .addOption(new Option('--type <type>', 'transport').choices(['http', 'streamable-http', 'sse']).default('http'))
      .option('--timeout <seconds>', 'per-request timeout in seconds (default 60)', positiveNumber)
      .option('--enabled', 'enable the server (default)')
      .option('--disabled', 'register it disabled')
      .option('--description <text>', 'description')
      .option('--tags <list>', 'comma-separated tags, e.g. "logging,production" (broadcast groups)', commaList)
      .option('--header <name=value>', 'extra static header sent to the server (repeatable)', collect)
      .addOption(new Option('--auth-method <method>', 'how the gateway authenticates to the server').choices(['api_key', 'bearer', 'basic', 'oauth2', 'custom', 'none']))
      .addOption(new Option('--auth-location <where>', 'where the credential goes').choices(['header', 'query', 'body']).default('header'))
      .option('--auth-name <name>', 'header, query parameter or body field name', 'Authorization')
      .addOption(new Option('--auth-format <format>', 'how the credential is written').choices(['raw', 'prefix', 'template']).default('prefix'))
      .option('--auth-prefix <prefix>', 'prefix for --auth-format prefix', 'Bearer ')
      .option('--auth-template <template>', 'template for --auth-format template, containing {credential}')
      .option('--credential-ref <ref>', 'where the secret lives: env://VAR, file:///path or vault://mount/path#key')
      .option('--credential-value <value>', 'refused: secrets are never written to the servers file (use --credential-ref)')
      .option('--auth-username <name>', 'user name for --auth-method basic')
      .option('--token-url <url>', 'token endpoint for --auth-method oauth2 (client credentials)')
      .option('--client-id <id>', 'client id for --auth-method oauth2')
      .option('--scopes <list>', 'comma-separated scopes for --auth-method oauth2', commaList)
      .option('--audience <aud>', 'audience for --auth-method oauth2'),
  ).action((name: string, url: string, options: ChangeOptions & RegisterOptions) => applyChange({ action: 'register', name, server: serverFromFlags(url, options) }, options));
}

interface RegisterOptions {
  type: string;
  timeout?: number;
  enabled?: boolean;
  disabled?: boolean;
  description?: string;
  tags?: string[];
  header?: string[];
  authMethod?: BackendAuthConfig['method'];
  authLocation: BackendAuthConfig['location'];
  authName: string;
  authFormat: BackendAuthConfig['format'];
  authPrefix: string;
  authTemplate?: string;
  credentialRef?: string;
  credentialValue?: string;
  authUsername?: string;
  tokenUrl?: string;
  clientId?: string;
  scopes?: string[];
  audience?: string;
}

export function serverFromFlags(url: string, options: RegisterOptions): ServerConfigInput {
  if (options.enabled && options.disabled) throw new UsageError('give --enabled or --disabled, not both');
  if (options.credentialValue !== undefined) {
    throw new UsageError('--credential-value is refused: a secret in mcp_servers.yaml leaks through backups and version control; put it in the environment or a file and pass --credential-ref env://VAR or file:///path');
  }
  const server: ServerConfigInput = { type: options.type as ServerConfigInput['type'], url, enabled: !options.disabled };
  if (options.timeout !== undefined) server.timeout = options.timeout;
  if (options.description !== undefined) server.description = options.description;
  if (options.tags) server.tags = options.tags;
  if (options.header?.length) server.headers = Object.fromEntries(options.header.map(headerPair));
  if (options.authMethod && options.authMethod !== 'none') server.auth = authFromFlags(options.authMethod, options);
  else if (options.credentialRef) throw new UsageError('--credential-ref needs --auth-method (api_key, bearer, basic, oauth2 or custom)');
  return server;
}

function authFromFlags(method: BackendAuthConfig['method'], options: RegisterOptions): BackendAuthConfig {
  if (!options.credentialRef) throw new UsageError(`--auth-method ${method} needs --credential-ref (env://VAR, file:///path or vault://…)`);
  return {
    method,
    location: options.authLocation,
    name: options.authName,
    format: options.authFormat,
    ...(options.authFormat === 'prefix' ? { prefix: options.authPrefix } : {}),
    ...(options.authTemplate !== undefined ? { template: options.authTemplate } : {}),
    credential_ref: options.credentialRef,
    ...(options.authUsername !== undefined ? { username: options.authUsername } : {}),
    ...(options.tokenUrl !== undefined ? { token_url: options.tokenUrl } : {}),
    ...(options.clientId !== undefined ? { client_id: options.clientId } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
  };
}

function headerPair(pair: string): [string, string] {
  const equals = pair.indexOf('=');
  if (equals <= 0) throw new UsageError(`--header "${pair}" must look like Name=value`);
  return [pair.slice(0, equals), pair.slice(equals + 1)];
}

/** The options every changing command shares: the local file, or a gateway's admin API. */
function changeCommand(command: Command): Command {
  return addRemoteOptions(
    command
      .addOption(new Option('-f, --file <path>', 'servers file to change').env('MCP_SERVERS_FILE').default('./mcp_servers.yaml'))
      .option('--json', 'print JSON'),
    false,
  );
}

async function applyChange(edit: ServersFileEdit, options: ChangeOptions): Promise<void> {
  const verb = { register: 'registered', update: 'updated', remove: 'removed' }[edit.action];
  if (options.url) {
    const client = new GatewayClient(options as RemoteOptions);
    const body =
      edit.action === 'register' ? await client.request('POST', '/mcp/servers', { name: edit.name, ...edit.server })
      : edit.action === 'update' ? await client.request('PATCH', `/mcp/server/${segment(edit.name)}`, edit.fields)
      : await client.request('DELETE', `/mcp/server/${segment(edit.name)}`);
    if (options.json) return printJson(body);
    return printLine(`${verb} server "${edit.name}" on ${client.url} (applied and saved to its servers file)`);
  }
  const { editServersFile } = await import('../config/servers-file-editor.js');
  const servers = await editServersFile(options.file, edit);
  if (options.json) return printJson({ [verb]: edit.name, file: options.file, servers: Object.keys(servers) });
  printLine(`${verb} server "${edit.name}" in ${options.file} (a running gateway using this file applies it at once)`);
}
