/**
 * A gateway composed in code: the same `createGateway()` the `mcp-gateway start` command uses, with servers,
 * plugins and options written as TypeScript instead of gateway.config.ts and environment variables. Use this when
 * the gateway is part of a program of your own (tests, an internal platform, extra routes next to it).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createGateway, type Gateway, type GatewayConfigInput } from '@secure-mcp-gateway/core';
import apiKey from '@secure-mcp-gateway/plugin-api-key';
import auditFile from '@secure-mcp-gateway/plugin-audit-file';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import clientTag from 'mcp-gateway-plugin-client-tag';

const require = createRequire(import.meta.url);

export interface CustomGatewaySettings {
  host?: string;
  /** 0 picks a free port. Default 8000. */
  port?: number;
  /** `sha256:<hex>` of the API key of the CI pipeline (the key itself never appears in config). */
  ciKeyHash: string;
  /** JSON-lines audit file. */
  auditFile: string;
  /** Where the memory server keeps its graph. */
  dataDir: string;
  /** Default `info`. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** The whole configuration as a value: typed, so a mistake is a compile error before it is a start-up error. */
export function customGatewayConfig(settings: CustomGatewaySettings): GatewayConfigInput {
  return {
    server: { host: settings.host ?? '127.0.0.1', port: settings.port ?? 8000 },
    // Inline servers (a path to a YAML file works too, and is then hot-reloaded).
    servers: {
      everything: {
        type: 'stdio',
        command: process.execPath,
        args: [require.resolve('@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'],
        description: 'MCP reference server',
        tags: ['demo'],
        timeout: 30,
      },
      memory: {
        type: 'stdio',
        command: process.execPath,
        args: [require.resolve('@modelcontextprotocol/server-memory/dist/index.js')],
        env: { MEMORY_FILE_PATH: join(settings.dataDir, 'memory.jsonl') },
        description: 'Knowledge-graph memory',
        tags: ['notes'],
        timeout: 30,
      },
    },
    plugins: [
      // Who is calling: machine clients with API keys (add keycloakJwt(...) for people).
      apiKey({ keys: [{ id: 'ci', hash: settings.ciKeyHash, roles: ['mcp-user'], username: 'ci-pipeline' }] }),
      // What they may do: deny wins, and nothing is allowed that no rule allows.
      rbac({
        default: 'deny',
        rules: [
          { effect: 'allow', roles: ['mcp-user'], servers: ['everything', 'memory'] },
          { effect: 'deny', roles: ['mcp-user'], servers: ['memory'], tools: ['delete_*'], description: 'memory is append-only for machines' },
        ],
      }),
      // A third-party plugin (examples/plugins/client-tag): each client program sees only its servers.
      clientTag({ clients: { ci: ['demo'], 'notes-app': ['notes'] } }),
      // Where every call is recorded.
      auditFile({ file: settings.auditFile }),
    ],
    logging: { level: settings.logLevel ?? 'info', format: 'json' },
  };
}

export function buildGateway(settings: CustomGatewaySettings): Promise<Gateway> {
  return createGateway(customGatewayConfig(settings));
}
