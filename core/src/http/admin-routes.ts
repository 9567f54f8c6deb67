/**
 * The admin API: register, change and remove servers on a running gateway. Every route needs the `admin` action
 * (the authorize hooks, or the `mcp-admin` role when no plugin decides), every change is written to the servers
 * file (comments kept) and applied live, and every attempt is audited as `config_change`.
 */
import { type Request, type Response, Router } from 'express';
import type { AuditBus } from '../audit/audit-bus.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import type { ServersConfig } from '../backends/server-config.js';
import type { ServerConfigInput } from '../config/gateway-config.js';
import { editServersFile, type ServersFileEdit, type ServerUpdate } from '../config/servers-file-editor.js';
import type { ServersReloader } from '../config/servers-reloader.js';
import { normalizeServers } from '../config/servers.js';
import { validateAgainstSchema } from '../config/schema-validator.js';
import { BadRequestError, ConfigError, ConflictError, describeError, isGatewayError } from '../errors.js';
import type { AccessControl } from '../pipeline/access-control.js';
import type { CallContext } from '../pipeline/call-pipeline.js';
import { describeServer } from './rest-routes.js';

export interface AdminDeps {
  registry: BackendRegistry;
  access: AccessControl;
  audit: AuditBus;
  /** Absent when the servers are written inline in the gateway config: there is no file to change. */
  reloader?: ServersReloader;
  /** Checks a new server set as a reload would (e.g. credential schemes have a plugin); throws ConfigError. */
  check(servers: ServersConfig): void;
  contextOf(req: Request, res: Response): CallContext;
}

const UPDATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    enabled: { type: 'boolean' },
    description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string', minLength: 1 } },
    timeout: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
  },
};

/** Fields that would make the gateway run a program or read files on its host: never accepted over HTTP. */
const HOST_FIELDS = ['command', 'args', 'env', 'cwd'] as const;

export function adminRouter(deps: AdminDeps): Router {
  const router = Router();

  router.post('/mcp/servers', async (req, res) => {
    const { name, server } = registerBody(req.body);
    const servers = await change(deps, req, res, { action: 'register', name, server }, { type: server.type ?? 'streamable-http', tags: server.tags ?? [] });
    res.status(201).json({ registered: name, server: describeServer(deps.registry, name), servers });
  });

  router.patch('/mcp/server/:name', async (req, res) => {
    const name = String(req.params['name']);
    const fields = badRequestOnConfigError(() => validateAgainstSchema<ServerUpdate>(UPDATE_SCHEMA, req.body ?? {}, 'body'));
    const servers = await change(deps, req, res, { action: 'update', name, fields }, { fields });
    res.json({ updated: name, server: describeServer(deps.registry, name), servers });
  });

  router.delete('/mcp/server/:name', async (req, res) => {
    const name = String(req.params['name']);
    const servers = await change(deps, req, res, { action: 'remove', name }, {});
    res.json({ removed: name, servers });
  });

  return router;
}

/** Authorize, write, apply, audit: the same four steps for every admin change. */
async function change(deps: AdminDeps, req: Request, res: Response, edit: ServersFileEdit, details: Record<string, unknown>): Promise<string[]> {
  const context = deps.contextOf(req, res);
  await deps.access.require({ principal: context.principal, request: context.request, action: 'admin', target: { server: edit.name } });
  const audit = (outcome: 'success' | 'error', error?: string) =>
    deps.audit.emit({
      event_type: 'config_change',
      outcome,
      ...(error ? { error } : {}),
      principal: { sub: context.principal.sub, username: context.principal.username, roles: context.principal.roles },
      request_id: context.request.requestId,
      channel: context.request.channel,
      client: { address: context.request.clientAddress, user_agent: context.request.userAgent },
      server: edit.name,
      details: { action: `server_${edit.action}`, ...details },
    });
  try {
    if (!deps.reloader) throw new ConflictError('this gateway\'s servers are written inline in its config file; the admin API changes a servers file (set "servers" to a YAML file path)');
    if (edit.action === 'register') {
      refuseHostAccess(edit.server);
      const candidate = badRequestOnConfigError(() => normalizeServers({ [edit.name]: edit.server }, 'body'));
      badRequestOnConfigError(() => deps.check(candidate));
    }
    await editServersFile(deps.reloader.file, edit).catch((error: unknown) => {
      throw error instanceof ConfigError && edit.action === 'update' ? new BadRequestError(error.message) : error;
    });
    await deps.reloader.reload('admin');
  } catch (error) {
    audit('error', describeError(error));
    throw error;
  }
  audit('success');
  return deps.registry.names();
}

function registerBody(body: unknown): { name: string; server: ServerConfigInput } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('body must be a JSON object: {"name": "...", "url": "...", ...}');
  const { name, ...server } = body as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new BadRequestError('"name" must be a non-empty string');
  return { name, server: server as ServerConfigInput };
}

/** Over HTTP a server may only be reached, never make the gateway run a program or read a secret on its host. */
function refuseHostAccess(server: ServerConfigInput): void {
  const local = HOST_FIELDS.filter((field) => field in server);
  if (server.type === 'stdio' || local.length) {
    throw new BadRequestError('stdio servers run a program on the gateway host; add them to the servers file on the host, not over HTTP');
  }
  // A reference is resolved on the gateway host and its secret sent to the server's URL, which the caller chose.
  const reference = (server.auth as { credential_ref?: unknown } | null | undefined)?.credential_ref;
  if (reference !== undefined) {
    const scheme = typeof reference === 'string' ? `${reference.split('://')[0]}://` : 'a reference';
    throw new BadRequestError(`"auth.credential_ref" (${scheme}) reads a secret on the gateway host and would send it to a URL chosen over HTTP; add servers with credentials to the servers file on the host`);
  }
}

function badRequestOnConfigError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ConfigError) throw new BadRequestError(error.message);
    throw isGatewayError(error) ? error : new BadRequestError(describeError(error));
  }
}
