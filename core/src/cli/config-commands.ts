/** `mcp-gateway config validate | print`: check a config without starting, and show it resolved with secrets redacted. */
import type { Command } from 'commander';
import { SecretRedactor } from '../audit/secret-redactor.js';
import type { ServerConfig } from '../backends/server-config.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { printJson, printLine } from './output.js';

const REDACTED = '[REDACTED]';

interface ConfigOptions {
  config?: string;
  json?: boolean;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check or show the gateway configuration');

  config
    .command('validate')
    .description('load the config, the servers file and every plugin\'s options exactly as `start` would, without listening')
    .option('-c, --config <file>', 'config file (default: gateway.config.* in the working directory)')
    .option('--json', 'print the result as JSON')
    .action(async (options: ConfigOptions) => {
      const resolved = await load(options);
      const [{ createGateway }, { default: winston }] = await Promise.all([import('../gateway.js'), import('winston')]);
      // Building the gateway runs every plugin's options schema and setup, and checks credential schemes.
      const gateway = await createGateway(resolved, { logger: winston.createLogger({ silent: true }) });
      await gateway.preflight();
      const summary = { valid: true, servers: Object.keys(resolved.servers), servers_file: resolved.serversFile ?? null, plugins: resolved.plugins.map((plugin) => plugin.name) };
      if (options.json) printJson(summary);
      else printLine(`configuration is valid: ${summary.servers.length} servers (${summary.servers.join(', ') || 'none'}), plugins: ${summary.plugins.join(', ') || 'none'}`);
    });

  config
    .command('print')
    .description('print the resolved configuration (defaults applied) with every secret redacted')
    .option('-c, --config <file>', 'config file (default: gateway.config.* in the working directory)')
    .option('--json', 'print JSON (the default output is JSON too; the flag is accepted for symmetry)')
    .action(async (options: ConfigOptions) => printJson(redactedConfig(await load(options))));
}

/** The config modules are loaded on demand, so commands that only talk HTTP start fast. */
async function load(options: ConfigOptions): Promise<GatewayConfig> {
  const { loadConfig } = await import('../config/load-config.js');
  return loadConfig(options.config ? { explicitPath: options.config } : {});
}

/** The config as an operator may see it: header and environment values, URL passwords and sensitive options hidden. */
export function redactedConfig(config: GatewayConfig): Record<string, unknown> {
  const redactor = new SecretRedactor(config.audit.redactKeys);
  const scrub = (value: unknown) => hideUrlPasswords(redactor.scrubValue(value));
  return {
    server: config.server,
    servers_file: config.serversFile ?? null,
    servers: Object.fromEntries(Object.entries(config.servers).map(([name, server]) => [name, scrub(redactServer(server))])),
    plugins: config.plugins.map((plugin) => ({ name: plugin.name, ...(plugin.version ? { version: plugin.version } : {}), options: scrub(plugin.options) })),
    logging: config.logging,
    access: config.access,
    audit: config.audit,
    sessions: config.sessions,
  };
}

function redactServer(server: ServerConfig): ServerConfig {
  const hideValues = (record?: Record<string, string>) => (record ? Object.fromEntries(Object.keys(record).map((key) => [key, REDACTED])) : undefined);
  return { ...server, ...(server.headers ? { headers: hideValues(server.headers)! } : {}), ...(server.env ? { env: hideValues(server.env)! } : {}) };
}

/** `postgres://user:secret@host/db` → `postgres://user:[REDACTED]@host/db`, anywhere in the value. */
function hideUrlPasswords(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)[^@\s/]+@/gi, `$1${REDACTED}@`);
  if (Array.isArray(value)) return value.map(hideUrlPasswords);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hideUrlPasswords(item)]));
  return value;
}

