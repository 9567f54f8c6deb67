import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ServerConfig, ServersConfig } from '../backends/server-config.js';
import { ConfigError, describeError } from '../errors.js';
import type { ServerConfigInput } from './gateway-config.js';
import serverSchema from './server-config.schema.json' with { type: 'json' };
import { validateAgainstSchema } from './schema-validator.js';

/**
 * Server names become tool-name prefixes (`<server>__<tool>`): with no `__` inside and no `_` at the end, the first
 * `__` of a prefixed name is where the server ends (else `pay` + `_refund` and `pay_` + `refund` would be one name).
 */
const SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]|_(?![_]|$))*$/;
/** Generated tools live under this prefix; a server may not take it. */
const RESERVED_NAMES = new Set(['broadcast']);

/** Reads the seed-format YAML file: `servers: { <name>: {...} }`. */
export async function readServersFile(path: string): Promise<Record<string, ServerConfigInput>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read servers file ${path}: ${describeError(error)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`servers file ${path} is not valid YAML: ${describeError(error)}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`servers file ${path} must be a mapping with a "servers" key`);
  }
  // A misspelt top-level key would otherwise leave the gateway silently without servers.
  const unknown = Object.keys(document).find((key) => key !== 'servers');
  if (unknown !== undefined) {
    throw new ConfigError(`unknown key "${unknown}" (expected only "servers", a mapping of server name to settings)`, path);
  }
  const servers = (document as { servers?: unknown }).servers ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw new ConfigError('must be a mapping of server name to settings', `${path}: servers`);
  }
  return servers as Record<string, ServerConfigInput>;
}

/** Reads, validates and normalizes a servers file, as start-up and every reload do. */
export async function loadServersFile(path: string): Promise<ServersConfig> {
  const servers = normalizeServers(await readServersFile(path), `${path}: servers`);
  resolveStdioPaths(servers, dirname(path));
  return servers;
}

/** stdio servers run from the directory of the file that declares them, so relative paths there work from anywhere. */
export function resolveStdioPaths(servers: ServersConfig, dir: string): void {
  for (const server of Object.values(servers)) {
    if (server.type === 'stdio') server.cwd = server.cwd ? resolve(dir, server.cwd) : dir;
  }
}

/** Validates every entry, applies defaults and resolves the `http` alias. `where` prefixes error paths. */
export function normalizeServers(input: Record<string, ServerConfigInput>, where: string): ServersConfig {
  const servers: ServersConfig = {};
  for (const [name, raw] of Object.entries(input)) {
    const path = `${where}.${name}`;
    if (!SERVER_NAME.test(name) || RESERVED_NAMES.has(name)) {
      throw new ConfigError(
        'server names use letters, digits, ".", "-" and single "_" (not "__", which separates server and tool, nor a final "_"), and "broadcast" is reserved',
        path,
      );
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('must be a mapping', path);
    servers[name] = normalizeServer({ ...raw }, path);
  }
  return servers;
}

function normalizeServer(raw: ServerConfigInput & { tools?: string[] }, path: string): ServerConfig {
  raw.type ??= raw.command ? 'stdio' : 'streamable-http';
  const server = validateAgainstSchema<ServerConfig & { tools?: string[] }>(serverSchema, raw, path);
  if (server.type === 'http') server.type = 'streamable-http';
  if (server.type === 'stdio') {
    if (!server.command) throw new ConfigError('a stdio server needs "command"', path);
  } else if (!server.url) {
    throw new ConfigError(`a ${server.type} server needs "url"`, path);
  }
  const auth = server.auth;
  if (auth && auth.method !== 'none') {
    if (!auth.credential_ref) throw new ConfigError(`auth method "${auth.method}" needs "credential_ref"`, `${path}.auth`);
    if (auth.format === 'template' && !auth.template) throw new ConfigError('format "template" needs "template"', `${path}.auth`);
    if (auth.method === 'oauth2' && (!auth.token_url || !auth.client_id)) {
      throw new ConfigError('method "oauth2" needs "token_url" and "client_id"', `${path}.auth`);
    }
    if (auth.location === 'env' && server.type !== 'stdio') {
      throw new ConfigError('location "env" applies to stdio servers only', `${path}.auth`);
    }
  }
  // The seed's static `tools:` list is accepted for compatibility; tools are discovered live.
  delete server.tools;
  return server;
}
