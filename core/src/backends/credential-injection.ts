/**
 * Turns a server's `auth` block into what its transport sends: headers, query parameters, tool arguments (`body`)
 * or environment variables (stdio). The secret comes from the `resolveCredential` plugin that owns the reference's
 * scheme; the core never reads secrets itself. Runs when a connection is opened, not per call: again only when the
 * secret changed, is about to expire, or the backend refused it (HTTP 401).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { SecretRedactor } from '../audit/secret-redactor.js';
import { BackendError, ConfigError, describeError, isGatewayError, ServiceUnavailableError } from '../errors.js';
import type { CredentialReference, ResolveCredentialHandler, ResolvedCredential } from '../hooks.js';
import { ClientCredentialsTokens, refreshMargin } from './oauth-client-credentials.js';
import type { BackendAuthConfig, ServerConfig } from './server-config.js';

export interface BackendAuthMaterial {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Merged into every tool call's arguments (the backend takes the secret as an argument). */
  arguments: Record<string, string>;
  env: Record<string, string>;
  /** When the material must be rebuilt (epoch ms, a little before the secret or token expires). */
  expiresAt?: number;
  /** Subscribes to changes of the underlying secret; returns an unsubscribe function. */
  watch?: (onChange: () => void) => () => void;
  /**
   * Resolves the credential again and updates this material in place; `fresh` when the backend refused it (401).
   * Concurrent calls share one resolution.
   */
  refresh?: (options?: MaterialOptions) => Promise<void>;
}

export const NO_AUTH: BackendAuthMaterial = Object.freeze({ headers: {}, query: {}, arguments: {}, env: {} }) as BackendAuthMaterial;

export type CredentialSchemeLookup = (scheme: string) => ResolveCredentialHandler | undefined;

export function parseCredentialReference(raw: string): CredentialReference {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(raw);
  if (!match) throw new ConfigError(`"${raw}" is not a credential reference (scheme://location)`);
  return { raw, scheme: match[1]!.toLowerCase(), location: match[2]! };
}

/** Checks at start-up that every reference's scheme has an owner, so a typo stops the gateway, not a call. */
export function assertCredentialSchemesOwned(servers: Record<string, ServerConfig>, lookup: CredentialSchemeLookup): void {
  for (const [name, server] of Object.entries(servers)) {
    const ref = server.auth?.credential_ref;
    if (!server.enabled || !ref || server.auth?.method === 'none') continue;
    const { scheme } = parseCredentialReference(ref);
    if (!lookup(scheme)) {
      throw new ConfigError(
        `no plugin resolves "${scheme}://" credential references (add the ${scheme}-credentials plugin)`,
        `servers.${name}.auth.credential_ref`,
      );
    }
  }
}

export interface CredentialInjectorDeps {
  lookup: CredentialSchemeLookup;
  redactor: SecretRedactor;
}

export interface MaterialOptions {
  /** The backend refused the previous credential (HTTP 401): bypass every cache. */
  fresh?: boolean;
}

export class CredentialInjector {
  private readonly tokens: ClientCredentialsTokens;

  constructor(private readonly deps: CredentialInjectorDeps) {
    this.tokens = new ClientCredentialsTokens(deps.redactor);
  }

  /**
   * Resolves the server's credential and lays it out as the `auth` block says. The material can `refresh` itself
   * in place: HTTP transports read it on every request, so a renewed token needs no new session.
   */
  async materialFor(serverName: string, server: ServerConfig, options: MaterialOptions = {}): Promise<BackendAuthMaterial> {
    const auth = server.auth;
    if (!auth || auth.method === 'none' || !auth.credential_ref) return NO_AUTH;
    const first = await this.layout(serverName, auth, options);
    const material: BackendAuthMaterial = { ...first };
    let pending: Promise<void> | undefined;
    material.refresh = (refreshOptions = {}) =>
      (pending ??= this.layout(serverName, auth, refreshOptions)
        .then((next) => {
          Object.assign(material, { headers: next.headers, query: next.query, arguments: next.arguments, env: next.env });
          if (next.expiresAt === undefined) delete material.expiresAt;
          else material.expiresAt = next.expiresAt;
        })
        .finally(() => {
          pending = undefined;
        }));
    // A stdio server reads its environment once, so an expiring credential there means restarting it.
    if (server.type === 'stdio' && first.expiresAt !== undefined) material.watch = combineWatches(first.watch, expiryWatch(first.expiresAt));
    return material;
  }

  /**
   * `value` with every resolved secret replaced in its strings (a backend's result or error may echo what it
   * received); keys and other values are left as they are.
   */
  scrubStrings<T>(value: T, depth = 0): T {
    // No secret resolved yet (e.g. no backend has a credential): copying every result would find nothing.
    if (!this.deps.redactor.knowsSecrets) return value;
    if (typeof value === 'string') return this.deps.redactor.scrubString(value) as T;
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) return value.map((item) => this.scrubStrings(item, depth + 1)) as T;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.scrubStrings(item, depth + 1)])) as T;
  }

  private async layout(serverName: string, auth: BackendAuthConfig, options: MaterialOptions): Promise<BackendAuthMaterial> {
    if (options.fresh) this.tokens.invalidate(serverName);
    const resolved = await this.resolve(serverName, auth.credential_ref!, options.fresh === true);
    this.deps.redactor.addSecret(resolved.value);
    const token = auth.method === 'oauth2' ? await this.tokens.token(serverName, auth, resolved.value) : undefined;
    const credential = token?.value ?? (auth.method === 'basic' ? basicCredential(auth, resolved.value) : resolved.value);
    const value = formatCredential(auth, credential);
    this.deps.redactor.addSecret(value);
    if (auth.location === 'header' || auth.location === 'env') assertSafeValue(serverName, auth, value);
    const material: BackendAuthMaterial = { headers: {}, query: {}, arguments: {}, env: {} };
    const slot = { header: material.headers, query: material.query, body: material.arguments, env: material.env }[auth.location];
    slot[auth.name] = value;
    const secretRenewAt = resolved.expiresAt === undefined ? undefined : resolved.expiresAt - refreshMargin(resolved.expiresAt - Date.now());
    const renewAt = minDefined(secretRenewAt, token?.refreshAt);
    if (renewAt !== undefined) material.expiresAt = renewAt;
    if (resolved.watch) material.watch = resolved.watch.bind(resolved);
    return material;
  }

  private async resolve(serverName: string, raw: string, fresh: boolean): Promise<ResolvedCredential> {
    const reference = parseCredentialReference(raw);
    const handler = this.deps.lookup(reference.scheme);
    if (!handler) throw new ConfigError(`no plugin resolves "${reference.scheme}://" references`, `servers.${serverName}.auth.credential_ref`);
    try {
      const resolved = await handler(reference, { server: serverName, ...(fresh ? { fresh } : {}) });
      if (!resolved || typeof resolved.value !== 'string' || resolved.value.length === 0) {
        throw new Error('the reference resolved to an empty value');
      }
      return resolved;
    } catch (error) {
      const message = `cannot resolve credential ${raw} for server "${serverName}": ${this.deps.redactor.scrubString(describeError(error))}`;
      if (error instanceof ConfigError) throw new ConfigError(message, undefined, { cause: error });
      if (isGatewayError(error) && error.status === 503) throw new ServiceUnavailableError(message, { cause: error });
      throw new BackendError(message, { cause: error });
    }
  }
}

/**
 * The gateway supplies `body` credentials as tool arguments itself, so clients should neither see nor be asked for
 * them: they are taken out of each tool's input schema (properties and required).
 */
export function withoutInjectedArguments(tools: Tool[], names: readonly string[]): Tool[] {
  if (names.length === 0) return tools;
  return tools.map((tool) => {
    const { properties, required } = tool.inputSchema;
    if (!properties || !names.some((name) => name in properties)) return tool;
    const kept = Object.fromEntries(Object.entries(properties).filter(([name]) => !names.includes(name)));
    const stillRequired = required?.filter((name) => !names.includes(name));
    return { ...tool, inputSchema: { ...tool.inputSchema, properties: kept, ...(stillRequired ? { required: stillRequired } : {}) } };
  });
}

function basicCredential(auth: BackendAuthConfig, password: string): string {
  // `username` may be omitted when the resolved secret already is `user:password`.
  return Buffer.from(auth.username !== undefined ? `${auth.username}:${password}` : password).toString('base64');
}

function formatCredential(auth: BackendAuthConfig, credential: string): string {
  switch (auth.format) {
    case 'raw':
      return credential;
    case 'template':
      return auth.template!.split('{credential}').join(credential);
    case 'prefix':
      return `${auth.method === 'basic' && auth.prefix === 'Bearer ' ? 'Basic ' : (auth.prefix ?? '')}${credential}`;
  }
}

/** CR/LF would split headers (response splitting); other control characters are refused as well, and in env values. */
function assertSafeValue(serverName: string, auth: BackendAuthConfig, value: string): void {
  if (auth.location === 'header' && !HEADER_NAME.test(auth.name)) {
    throw new ConfigError(`"${auth.name}" is not a valid header name`, `servers.${serverName}.auth.name`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new ConfigError(`the credential for ${auth.location} "${auth.name}" contains control characters (such as CR or LF) and was refused`, `servers.${serverName}.auth`);
  }
}

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function expiryWatch(at: number): (onChange: () => void) => () => void {
  return (onChange) => {
    const timer = setTimeout(onChange, Math.max(0, at - Date.now()));
    timer.unref();
    return () => clearTimeout(timer);
  };
}

function combineWatches(...watches: Array<((onChange: () => void) => () => void) | undefined>): (onChange: () => void) => () => void {
  return (onChange) => {
    const stops = watches.flatMap((watch) => (watch ? [watch(onChange)] : []));
    return () => stops.forEach((stop) => stop());
  };
}

function minDefined(a?: number, b?: number): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
