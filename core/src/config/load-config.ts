import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig } from 'cosmiconfig';
import { ConfigError, describeError } from '../errors.js';
import type { GatewayPlugin } from '../plugin.js';
import type { GatewayConfig, GatewayConfigInput, PluginReference } from './gateway-config.js';
import configSchema from './gateway-config.schema.json' with { type: 'json' };
import { validateAgainstSchema } from './schema-validator.js';
import { normalizeServers, readServersFile, resolveStdioPaths } from './servers.js';

export const CONFIG_SEARCH_PLACES = [
  'gateway.config.ts',
  'gateway.config.mts',
  'gateway.config.js',
  'gateway.config.mjs',
  'gateway.config.json',
  'gateway.config.yaml',
  'gateway.config.yml',
];

export interface LoadedConfigFile {
  input: GatewayConfigInput;
  /** The file it came from, or undefined when none was found and the defaults apply. */
  filepath?: string;
}

/** Finds the config file in `cwd` (or loads `explicitPath`) with cosmiconfig; TypeScript configs are transpiled. */
export async function loadConfigFile(options: { explicitPath?: string; cwd?: string } = {}): Promise<LoadedConfigFile> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig('gateway', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    loaders: { '.ts': loadTypeScript, '.mts': loadTypeScript },
    cache: false,
  });
  try {
    const result = options.explicitPath
      ? await explorer.load(resolve(cwd, options.explicitPath))
      : await explorer.search(cwd);
    if (!result) return { input: {} };
    return { input: (result.config ?? {}) as GatewayConfigInput, filepath: result.filepath };
  } catch (error) {
    const file = options.explicitPath ?? CONFIG_SEARCH_PLACES.map((place) => join(cwd, place)).find((path) => existsSync(path));
    throw new ConfigError(`cannot load config${file ? ` ${file}` : ''}: ${describeError(error)}`);
  }
}

/**
 * TypeScript configs are transpiled without type checking, and the transpiler repairs syntax errors silently (a
 * missing comma or bracket). Refuse them first, with their line, so a typo never runs as something else.
 */
async function loadTypeScript(filepath: string, content: string): Promise<unknown> {
  const { default: ts } = await import('typescript');
  const { diagnostics = [] } = ts.transpileModule(content, { fileName: filepath, reportDiagnostics: true });
  const [first] = diagnostics;
  if (first) {
    const at = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const where = at ? `line ${at.line + 1}, column ${at.character + 1}: ` : '';
    throw new Error(`${where}${ts.flattenDiagnosticMessageText(first.messageText, '\n')}`);
  }
  return (await import('cosmiconfig')).defaultLoaders['.ts'](filepath, content);
}

/**
 * Validates the config, applies defaults, reads the servers file and loads plugins named by package.
 * `baseDir` is where relative paths (the servers file, plugin paths) are resolved; `configFile`, when the config
 * came from one, prefixes error paths so that a typo names the file it is in.
 */
export async function resolveConfig(input: GatewayConfigInput, baseDir: string, configFile?: string): Promise<GatewayConfig> {
  const where = configFile ? `${configFile}: config` : 'config';
  const config = validateAgainstSchema<GatewayConfigInput>(configSchema, structuredCloneConfig(input), where);
  const server = config.server as GatewayConfig['server'];
  server.publicUrl ??= `http://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;

  let serversFile: string | undefined;
  let rawServers = config.servers ?? {};
  if (typeof rawServers === 'string') {
    serversFile = isAbsolute(rawServers) ? rawServers : resolve(baseDir, rawServers);
    rawServers = await readServersFile(serversFile);
  }
  const servers = normalizeServers(rawServers, serversFile ? `${serversFile}: servers` : 'config.servers');
  resolveStdioPaths(servers, serversFile ? dirname(serversFile) : baseDir);

  return {
    server,
    servers,
    serversFile,
    plugins: await loadPlugins(config.plugins ?? [], baseDir, where),
    logging: config.logging as GatewayConfig['logging'],
    access: config.access as GatewayConfig['access'],
    audit: config.audit as GatewayConfig['audit'],
    sessions: config.sessions as GatewayConfig['sessions'],
    baseDir,
    ...(configFile ? { configFile } : {}),
  };
}

/** Loads the config file found from `cwd` (or `explicitPath`) and resolves it. */
export async function loadConfig(options: { explicitPath?: string; cwd?: string } = {}): Promise<GatewayConfig> {
  const { input, filepath } = await loadConfigFile(options);
  return resolveConfig(input, filepath ? dirname(filepath) : (options.cwd ?? process.cwd()), filepath);
}

/** Plugin objects carry functions, so clone only the plain parts before ajv fills in defaults. */
function structuredCloneConfig(input: GatewayConfigInput): GatewayConfigInput {
  const { plugins, ...rest } = input;
  return { ...structuredClone(rest), ...(plugins ? { plugins: [...plugins] } : {}) };
}

async function loadPlugins(entries: NonNullable<GatewayConfigInput['plugins']>, baseDir: string, where: string): Promise<GatewayPlugin[]> {
  const plugins: GatewayPlugin[] = [];
  for (const [index, entry] of entries.entries()) {
    plugins.push('package' in entry ? await importPlugin(entry, baseDir, `${where}.plugins.${index}`) : (entry as GatewayPlugin));
  }
  return plugins;
}

async function importPlugin(reference: PluginReference, baseDir: string, path: string): Promise<GatewayPlugin> {
  const specifier = reference.package.startsWith('.') ? pathToFileURL(resolve(baseDir, reference.package)).href : reference.package;
  let module: { default?: unknown };
  try {
    module = (await import(specifier)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`cannot load plugin package "${reference.package}": ${describeError(error)}`, path);
  }
  if (typeof module.default !== 'function') {
    throw new ConfigError(`plugin package "${reference.package}" has no default export factory`, path);
  }
  return (module.default as (options: unknown) => GatewayPlugin)(reference.options ?? {});
}
