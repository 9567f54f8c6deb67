/**
 * `mcp-gateway token`: gets an access token from the OpenID provider and prints it, for scripts and curl
 * (`TOKEN=$(mcp-gateway token -u testuser)`). A user logs in with the password grant (Keycloak "direct access
 * grants"); a service uses client credentials. Only the token goes to stdout; secrets never appear in errors.
 */
import { type Command, Option } from 'commander';
import { AuthenticationError, ServiceUnavailableError, describeError } from '../errors.js';
import { UsageError } from './cli-errors.js';

export interface TokenOptions {
  issuer?: string;
  keycloakUrl?: string;
  realm?: string;
  clientId: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  scope?: string;
  json?: boolean;
}

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('get an access token from the identity provider (password grant for a user, client credentials for a service) and print it')
    .addOption(new Option('--issuer <url>', 'token issuer, e.g. http://localhost:8080/realms/mcp-gateway').env('OIDC_ISSUER'))
    .addOption(new Option('--keycloak-url <url>', 'Keycloak base URL (with --realm, instead of --issuer)').env('KEYCLOAK_URL'))
    .addOption(new Option('--realm <name>', 'Keycloak realm').env('KEYCLOAK_REALM').default('mcp-gateway'))
    .addOption(new Option('--client-id <id>', 'OAuth client').env('MCP_GATEWAY_CLIENT_ID').default('mcp-gateway-client'))
    .addOption(new Option('--client-secret <secret>', 'client secret (confidential clients; alone: client credentials)').env('MCP_GATEWAY_CLIENT_SECRET'))
    .addOption(new Option('-u, --username <name>', 'user to log in as (password grant)').env('MCP_GATEWAY_USERNAME'))
    .addOption(new Option('-p, --password <password>', 'the user\'s password; prefer the environment variable').env('MCP_GATEWAY_PASSWORD'))
    .option('--scope <scopes>', 'space-separated scopes to request')
    .option('--json', 'print the whole token response as JSON instead of the access token')
    .action(async (options: TokenOptions) => {
      const response = await requestToken(options);
      process.stdout.write(options.json ? `${JSON.stringify(response, null, 2)}\n` : `${response.access_token}\n`);
    });
}

export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  [key: string]: unknown;
}

export async function requestToken(options: TokenOptions): Promise<TokenResponse> {
  const issuer = issuerOf(options);
  const form = new URLSearchParams({ client_id: options.clientId });
  if (options.username !== undefined) {
    if (options.password === undefined) throw new UsageError('--password (or MCP_GATEWAY_PASSWORD) is required with --username');
    form.set('grant_type', 'password');
    form.set('username', options.username);
    form.set('password', options.password);
  } else if (options.clientSecret !== undefined) {
    form.set('grant_type', 'client_credentials');
  } else {
    throw new UsageError('give --username (and a password) to log in as a user, or --client-secret for client credentials');
  }
  if (options.scope) form.set('scope', options.scope);
  const endpoint = await tokenEndpoint(issuer);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  // client_secret_basic: the one client authentication every server must support (RFC 6749 §2.3.1).
  if (options.clientSecret !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
  const response = await fetch(endpoint, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(15_000) })
    .catch((error: unknown) => { throw new ServiceUnavailableError(`cannot reach ${endpoint}: ${describeError(error)}`); });
  const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string; error_description?: string };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new AuthenticationError(`the identity provider refused (HTTP ${response.status}): ${body.error ?? 'no error code'}${body.error_description ? ` — ${body.error_description}` : ''}`);
  }
  return body as TokenResponse;
}

function issuerOf(options: TokenOptions): string {
  if (options.issuer) return options.issuer.replace(/\/+$/, '');
  if (options.keycloakUrl) return `${options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm ?? 'mcp-gateway')}`;
  throw new UsageError('give --issuer (or OIDC_ISSUER), or --keycloak-url (or KEYCLOAK_URL) with --realm');
}

/** The token endpoint named by the issuer's discovery document. */
async function tokenEndpoint(issuer: string): Promise<string> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) }).catch((error: unknown) => {
    throw new ServiceUnavailableError(`cannot reach ${url}: ${describeError(error)}`);
  });
  if (!response.ok) throw new ServiceUnavailableError(`${url} answered HTTP ${response.status}`);
  const document = (await response.json()) as { token_endpoint?: unknown };
  if (typeof document.token_endpoint !== 'string') throw new ServiceUnavailableError(`${url} names no token_endpoint`);
  return document.token_endpoint;
}
