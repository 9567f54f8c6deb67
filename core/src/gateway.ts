/**
 * The composition root: `createGateway(config)` wires the hook bus, plugins, backends, pipeline and HTTP app, and
 * `start()` opens them in order. For people composing a gateway in their own program.
 */
import 'reflect-metadata';
import { createRequire } from 'node:module';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { container as rootContainer } from 'tsyringe';
import { AuditBus } from './audit/audit-bus.js';
import { AuditGate } from './audit/audit-gate.js';
import { SecretRedactor } from './audit/secret-redactor.js';
import { auditServerStatus } from './audit/server-status-audit.js';
import { BackendRegistry, type ServersChange } from './backends/backend-registry.js';
import type { ServersConfig } from './backends/server-config.js';
import { assertCredentialSchemesOwned, CredentialInjector } from './backends/credential-injection.js';
import { ToolCatalog } from './catalog/tool-catalog.js';
import type { GatewayConfig, GatewayConfigInput } from './config/gateway-config.js';
import { resolveConfig } from './config/load-config.js';
import { ServersReloader } from './config/servers-reloader.js';
import { ConfigError, listMistakes } from './errors.js';
import { HookBus } from './hook-bus.js';
import { createApp } from './http/app.js';
import { Authenticator } from './http/authenticator.js';
import { createLogger, type Logger } from './logging/logger.js';
import { SessionManager } from './mcp/session-manager.js';
import { AccessControl } from './pipeline/access-control.js';
import { CallPipeline } from './pipeline/call-pipeline.js';
import { PluginHost } from './plugin-host.js';
import { AuthChallengeToken } from './tokens.js';

export const GATEWAY_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface Gateway {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly app: express.Express;
  /** Listens on `config.server.host:port` (port 0 picks a free one) and returns the bound URL. */
  start(): Promise<{ url: string; port: number }>;
  /**
   * The configuration checks `start()` makes, without connecting or listening (`mcp-gateway config validate`):
   * without authentication only a loopback host, and every enabled server's credential reference resolves.
   * Throws ConfigError.
   */
  preflight(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Re-reads the servers file and applies what changed without a restart (`SIGHUP` in the CLI calls this; the file
   * is also watched). Throws ConfigError when the file is invalid or the servers are inline in the config.
   */
  reloadServers(source?: 'signal' | 'api'): Promise<ServersChange>;
  /** Waits until every audit event emitted so far reached its sinks. */
  flushAudit(): Promise<void>;
}

export interface CreateGatewayOptions {
  /** Directory for relative paths when `config` is not yet resolved. Default: the working directory. */
  baseDir?: string;
  /** Use this logger instead of creating one from `config.logging`. */
  logger?: Logger;
}

export async function createGateway(input: GatewayConfigInput | GatewayConfig, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const config = isResolved(input) ? input : await resolveConfig(input, options.baseDir ?? process.cwd());
  const redactor = new SecretRedactor(config.audit.redactKeys);
  const logger = options.logger ?? createLogger({ ...config.logging, redactor });
  const hooks = new HookBus();
  const audit = new AuditBus(hooks, redactor, logger);
  const auditGate = new AuditGate(hooks, logger, config.audit.failClosed);
  const access = new AccessControl(hooks, audit, config.access.adminRoles, auditGate);
  const container = rootContainer.createChildContainer();
  const credentials = new CredentialInjector({ lookup: (scheme) => hooks.credentialSchemeOwner(scheme), redactor });
  const registry = new BackendRegistry(config.servers, { credentials, logger, clientInfo: { name: 'secure-mcp-gateway', version: GATEWAY_VERSION } });
  auditServerStatus(registry, audit);
  let pipeline: CallPipeline | undefined;
  const plugins = new PluginHost({
    calls: () => {
      if (!pipeline) throw new Error('gateway calls are available once the gateway is built (use them from onStart or a route)');
      return pipeline;
    },
    hooks,
    logger,
    container,
    audit,
    access,
    ...(config.configFile ? { configFile: config.configFile } : {}),
    baseDir: config.baseDir,
    gateway: { get publicUrl() { return config.server.publicUrl; }, version: GATEWAY_VERSION },
    backends: { list: () => registry.snapshots(), get: (name) => (registry.has(name) ? registry.snapshot(name) : undefined), onChange: (listener) => registry.onChange(listener) },
  });
  await plugins.setupAll(config.plugins);
  auditGate.assertConfigured();
  const checkServers = (servers: ServersConfig) => assertCredentialSchemesOwned(servers, (scheme) => hooks.credentialSchemeOwner(scheme));
  checkServers(config.servers);
  const reloader = config.serversFile ? new ServersReloader({ file: config.serversFile, registry, check: checkServers, audit, logger }) : undefined;

  const catalog = new ToolCatalog(registry, hooks, logger);
  pipeline = new CallPipeline({ hooks, registry, catalog, access, audit });
  const authenticator = new Authenticator(hooks, audit, config.access.anonymousRoles);
  const sessions = new SessionManager({
    pipeline, registry, catalog, audit, logger,
    info: { name: 'secure-mcp-gateway', version: GATEWAY_VERSION },
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
    maxSessions: config.sessions.maxSessions,
    allowedOrigins: config.server.allowedOrigins,
  });
  const app = createApp({
    config, version: GATEWAY_VERSION, logger, authenticator, access, pipeline, registry, catalog, sessions, plugins, audit, auditGate,
    challenge: () => (container.isRegistered(AuthChallengeToken.key) ? container.resolve(AuthChallengeToken.key) : undefined),
    checkServers,
    ...(reloader ? { reloader } : {}),
  });

  let server: HttpServer | undefined;
  return {
    config,
    logger,
    app,
    async preflight() {
      assertSafeBind(config, authenticator.enabled, logger);
      await assertCredentialsResolve(config.servers, credentials);
    },
    async start() {
      assertSafeBind(config, authenticator.enabled, logger);
      await plugins.startAll();
      await registry.start().catch(async (error: unknown) => {
        await registry.stop();
        await plugins.stopAll();
        throw error;
      });
      await catalog.rebuild();
      reloader?.watch();
      server = await listen(app, config.server.host, config.server.port);
      const { port } = server.address() as AddressInfo;
      // A public URL derived from port 0 ("any free port") names the port only known now.
      config.server.publicUrl = config.server.publicUrl.replace(/:0(?=\/|$)/, `:${port}`);
      const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
      logger.info(`Secure MCP Gateway ${GATEWAY_VERSION} listening on ${url} (MCP endpoint ${url}/mcp, ${registry.names().length} servers)`);
      return { url, port };
    },
    async stop() {
      reloader?.close();
      await sessions.closeAll();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server?.closeAllConnections();
      await registry.stop();
      await audit.flush();
      await plugins.stopAll();
    },
    reloadServers(source = 'api') {
      if (!reloader) return Promise.reject(new ConfigError('the servers are written inline in the config; there is no servers file to reload'));
      return reloader.reload(source);
    },
    flushAudit: () => audit.flush(),
  };
}

function isResolved(input: GatewayConfigInput | GatewayConfig): input is GatewayConfig {
  return typeof (input as GatewayConfig).baseDir === 'string' && Array.isArray((input as GatewayConfig).plugins) && typeof (input as GatewayConfig).server?.publicUrl === 'string';
}

const PREFLIGHT_WAIT_MS = 10_000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Without authentication the gateway serves anyone who can reach it, so it only listens on loopback. */
function assertSafeBind(config: GatewayConfig, authEnabled: boolean, logger: Logger): void {
  if (authEnabled) return;
  if (!LOOPBACK.test(config.server.host)) {
    const optionSet = config.server.allowUnauthenticatedRemote === true;
    const envSet = process.env['MCP_GATEWAY_ALLOW_UNAUTHENTICATED_REMOTE'] === 'true';
    if (optionSet && envSet) {
      logger.warn(`*** NO AUTHENTICATION on ${config.server.host}: anyone who can reach this address is "anonymous" (server.allowUnauthenticatedRemote and MCP_GATEWAY_ALLOW_UNAUTHENTICATED_REMOTE are both set). ***`);
      return;
    }
    throw new ConfigError(
      `no authentication plugin is configured, so the gateway only binds to loopback (127.0.0.1, ::1), not "${config.server.host}"` +
        ' (to serve unauthenticated callers remotely anyway, set both server.allowUnauthenticatedRemote: true and MCP_GATEWAY_ALLOW_UNAUTHENTICATED_REMOTE=true)',
      'config.server.host',
    );
  }
  const roles = config.access.anonymousRoles.join(', ') || 'none';
  logger.warn(`*** NO AUTHENTICATION: every caller is "anonymous" (roles: ${roles}). Development mode; listening on loopback only. Add an authentication plugin (e.g. keycloak-jwt) before exposing the gateway. ***`);
}

/**
 * Resolves every enabled server's credential as opening it would. Only configuration mistakes count (a missing
 * variable or file); an unreachable secret store or token endpoint is a start-time condition, not a config error.
 */
async function assertCredentialsResolve(servers: ServersConfig, credentials: CredentialInjector): Promise<void> {
  const mistakes: string[] = [];
  const enabled = Object.entries(servers).filter(([, server]) => server.enabled);
  const checks = enabled.map(([name, server]) =>
    credentials.materialFor(name, server).then(
      () => undefined,
      (error: unknown) => void (error instanceof ConfigError && mistakes.push(error.message)),
    ),
  );
  // A token endpoint that never answers must not hold the check up; what has failed by then is reported.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(checks), new Promise<void>((resolve) => (timer = setTimeout(resolve, PREFLIGHT_WAIT_MS)))]);
  clearTimeout(timer);
  if (mistakes.length) throw new ConfigError(listMistakes(mistakes));
}

function listen(app: express.Express, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once('error', reject);
  });
}
