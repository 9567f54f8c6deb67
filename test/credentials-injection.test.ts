/**
 * Backend credential injection, end to end: an SDK client calls through the gateway to real MCP backends — over
 * Streamable HTTP, recording every request, and over stdio, reporting a digest of their environment — and each
 * `auth` block's secret must land exactly where and how the block says, for every method × location × format,
 * while the client's own token never arrives.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { BackendAuthConfig, ServerConfigInput } from '@secure-mcp-gateway/core';
import apiKey, { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import { z } from 'zod';
import { envDigestStdio, everythingStdio, startHttpBackend, type HttpBackend, type RecordedRequest } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import type { RunningGateway } from './support/gateway.js';
import { masked, watchForSecretLeaks } from './support/secret-leak-watch.js';
import { startTokenEndpoint, type TokenEndpoint } from './support/token-endpoint.js';

type Method = Exclude<BackendAuthConfig['method'], 'none'>;
type Location = BackendAuthConfig['location'];
type Format = BackendAuthConfig['format'];

const METHODS: Method[] = ['api_key', 'bearer', 'basic', 'oauth2', 'custom'];
/** `env` is for stdio servers: those combinations run env-digest-stdio-server, the others the HTTP backend. */
const LOCATIONS: Location[] = ['header', 'query', 'body', 'env'];
const FORMATS: Format[] = ['raw', 'prefix', 'template'];
const HEADER_NAMES: Record<Method, string> = { api_key: 'X-API-Key', bearer: 'Authorization', basic: 'Authorization', oauth2: 'Authorization', custom: 'X-Custom-Auth' };
const PREFIXES: Record<Method, string> = { api_key: 'ApiKey ', bearer: 'Bearer ', basic: 'Basic ', oauth2: 'Bearer ', custom: 'Custom ' };
const TEMPLATE = 'Token id={credential};v=1';
const BASIC_USER = 'svc-reader';

interface Combination {
  server: string;
  method: Method;
  location: Location;
  format: Format;
  variable: string;
  secret: string;
  name: string;
}

const random = () => randomBytes(12).toString('hex');

describe('credentials: injection into backends', function () {
  const leaks = watchForSecretLeaks();
  const clientKey = leaks.secret(generateApiKey());
  const combinations: Combination[] = METHODS.flatMap((method) =>
    LOCATIONS.flatMap((location) =>
      FORMATS.map((format, index) => {
        const server = `${method.replace('_', '-')}-${location}-${format}`;
        return {
          server, method, location, format,
          variable: `CRED_TEST_${server.toUpperCase().replace(/-/g, '_')}`,
          secret: leaks.secret(`sec-${index}-${random()}`),
          name: location === 'header' ? HEADER_NAMES[method] : location === 'env' ? 'BACKEND_CREDENTIAL' : 'access_token',
        };
      }),
    ),
  );
  const stdioSecret = leaks.secret(`stdio-${random()}`);
  const echoedSecret = leaks.secret(`echoed-${random()}`);
  let backend: HttpBackend;
  let echoing: Server;
  let tokens: TokenEndpoint;
  let gateway: RunningGateway;
  let client: Client;

  const authBlock = (combination: Combination, tokenUrl: string): BackendAuthConfig => ({
    method: combination.method,
    location: combination.location,
    name: combination.name,
    format: combination.format,
    prefix: PREFIXES[combination.method],
    template: TEMPLATE,
    credential_ref: `env://${combination.variable}`,
    ...(combination.method === 'basic' ? { username: BASIC_USER } : {}),
    ...(combination.method === 'oauth2' ? { token_url: tokenUrl, client_id: `client-${combination.server}`, scopes: ['logs:read'] } : {}),
  });

  /** The credential before formatting: what the method makes of the secret. */
  const credentialOf = (combination: Combination): string => {
    if (combination.method === 'basic') return Buffer.from(`${BASIC_USER}:${combination.secret}`).toString('base64');
    if (combination.method === 'oauth2') return tokens.issued.get(`client-${combination.server}`)!.at(-1)!;
    return combination.secret;
  };
  const expectedValue = (combination: Combination): string => {
    const credential = credentialOf(combination);
    if (combination.format === 'raw') return credential;
    if (combination.format === 'prefix') return `${PREFIXES[combination.method]}${credential}`;
    return TEMPLATE.replace('{credential}', credential);
  };
  const requestsOf = (server: string): RecordedRequest[] => backend.requests.filter((request) => request.url.startsWith(`/c/${server}`));
  const queryOf = (request: RecordedRequest) => new URL(request.url, 'http://backend').searchParams;
  const toolCallOf = (server: string) => requestsOf(server).find((request) => (request.body as { method?: string })?.method === 'tools/call');

  before(async function () {
    for (const combination of combinations) process.env[combination.variable] = combination.secret;
    process.env['CRED_TEST_STDIO'] = stdioSecret;
    tokens = await startTokenEndpoint(Object.fromEntries(combinations.filter((c) => c.method === 'oauth2').map((c) => [`client-${c.server}`, c.secret])), 3600);
    backend = await startHttpBackend((server) => {
      // Declares the argument the body-location servers receive, as a backend that takes its key as an argument does.
      server.registerTool('echo', { inputSchema: { message: z.string(), access_token: z.string().optional() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
    });
    const servers: Record<string, ServerConfigInput> = Object.fromEntries(
      combinations.map((combination) => [
        combination.server,
        combination.location === 'env'
          ? envDigestStdio({ auth: authBlock(combination, tokens.url) })
          : { type: 'http', url: `http://127.0.0.1:${backend.port}/c/${combination.server}`, auth: authBlock(combination, tokens.url) },
      ]),
    );
    servers['no-auth'] = { type: 'http', url: `http://127.0.0.1:${backend.port}/c/no-auth`, auth: { method: 'none', credential_ref: 'env://CRED_TEST_UNUSED' } };
    // A backend that refuses the credential and quotes it back in its error, as careless ones do.
    process.env['CRED_TEST_ECHOED'] = echoedSecret;
    echoing = createServer((req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `key ${String(req.headers['x-api-key'])} is not valid` })));
    await new Promise<void>((resolve) => echoing.listen(0, '127.0.0.1', resolve));
    servers['echoes-refusal'] = {
      type: 'http',
      url: `http://127.0.0.1:${(echoing.address() as AddressInfo).port}/mcp`,
      auth: { method: 'api_key', name: 'X-API-Key', format: 'raw', credential_ref: 'env://CRED_TEST_ECHOED' },
    };
    servers['stdio-env'] = everythingStdio({ auth: { method: 'bearer', location: 'env', name: 'BACKEND_TOKEN', format: 'raw', credential_ref: 'env://CRED_TEST_STDIO' } });
    gateway = await leaks.startGateway({
      servers,
      plugins: [apiKey({ keys: [{ id: 'agent', hash: hashApiKey(clientKey), roles: ['mcp-admin'] }] }), envCredentials()]
    });
    client = await connectClient(gateway.mcpUrl, { token: clientKey });
    for (const combination of combinations.filter((c) => c.location !== 'env')) {
      const result = await client.callTool({ name: `${combination.server}__echo`, arguments: { message: `hello ${combination.server}` } });
      expect(result.isError ?? false, combination.server).to.equal(false);
    }
    await client.callTool({ name: 'no-auth__echo', arguments: { message: 'plain' } });
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await backend?.stop();
    await tokens?.stop();
    echoing?.closeAllConnections();
    echoing?.close();
    leaks.stop();
    for (const combination of combinations) delete process.env[combination.variable];
    delete process.env['CRED_TEST_STDIO'];
    delete process.env['CRED_TEST_ECHOED'];
  });

  for (const method of METHODS) {
    it(`${method}: lands exactly as configured in every location and format`, async function () {
      for (const combination of combinations.filter((c) => c.method === method)) {
        const expected = expectedValue(combination);
        if (combination.location === 'env') {
          const result = await client.callTool({ name: `${combination.server}__env-digest`, arguments: { name: combination.name } });
          expect((result.content as Array<{ text: string }>)[0]!.text, combination.server).to.equal(createHash('sha256').update(expected).digest('hex'));
          continue;
        }
        const requests = requestsOf(combination.server);
        const label = combination.server;
        expect(requests.length, label).to.be.greaterThan(2);
        if (combination.location === 'header') {
          for (const request of requests) expect(masked(request.headers[combination.name.toLowerCase()]), label).to.equal(masked(expected));
        } else if (combination.location === 'query') {
          for (const request of requests) {
            expect(masked(queryOf(request).getAll(combination.name)), label).to.deep.equal(masked([expected]));
            expect(request.headers['authorization'], label).to.equal(undefined);
          }
        } else {
          const call = toolCallOf(combination.server) as { body: { params: { arguments: Record<string, unknown> } } } | undefined;
          expect(masked(call?.body.params.arguments), label).to.deep.equal(masked({ message: `hello ${combination.server}`, [combination.name]: expected }));
          for (const request of requests) {
            expect(request.headers['authorization'], label).to.equal(undefined);
            expect(queryOf(request).has(combination.name), label).to.equal(false);
          }
        }
      }
    });
  }

  it('takes a body credential out of the tool schemas clients see, and leaves other tools as the backend declared them', async function () {
    const tools = (await client.listTools()).tools;
    const schemaOf = (name: string) => tools.find((tool) => tool.name === name)!.inputSchema;
    expect(Object.keys(schemaOf('bearer-body-raw__echo').properties ?? {})).to.deep.equal(['message']);
    expect(schemaOf('bearer-body-raw__echo').required).to.deep.equal(['message']);
    expect(Object.keys(schemaOf('bearer-header-raw__echo').properties ?? {})).to.deep.equal(['message', 'access_token']);
    expect(schemaOf('bearer-header-raw__echo').required).to.deep.equal(['message']);
  });

  it('basic sends base64 of user:password, and oauth2 sends the token it obtained with the client secret, never the secret', function () {
    const basic = combinations.find((c) => c.server === 'basic-header-prefix')!;
    const header = String(requestsOf(basic.server)[0]!.headers['authorization']);
    expect(masked(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString())).to.equal(masked(`${BASIC_USER}:${basic.secret}`));
    const oauth = combinations.find((c) => c.server === 'oauth2-header-prefix')!;
    expect(tokens.requests.filter((request) => request.clientId === `client-${oauth.server}`)).to.deep.equal([{ ok: true, clientId: `client-${oauth.server}`, scope: 'logs:read' }]);
    for (const request of requestsOf(oauth.server)) expect(JSON.stringify(request).includes(oauth.secret), 'the client secret reached the backend').to.equal(false);
  });

  it('method none sends no credential at all', function () {
    const requests = requestsOf('no-auth');
    expect(requests.length).to.be.greaterThan(2);
    for (const request of requests) {
      expect(request.headers['authorization']).to.equal(undefined);
      expect(request.url).to.equal('/c/no-auth');
    }
  });

  it("never forwards the client's own Authorization header or token to any backend", function () {
    expect(backend.requests.length).to.be.greaterThan(combinations.filter((c) => c.location !== 'env').length * 3);
    for (const request of backend.requests) expect(JSON.stringify(request).includes(clientKey), `the client's key reached ${request.url}`).to.equal(false);
    const bearerFree = requestsOf('api-key-query-raw');
    for (const request of bearerFree) expect(request.headers['authorization']).to.equal(undefined);
  });

  it('scrubs the secret from a result that echoes it (server-everything prints its environment)', async function () {
    const result = await client.callTool({ name: 'stdio-env__get-env', arguments: {} });
    const env = JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as Record<string, string>;
    expect(env['BACKEND_TOKEN']).to.equal('[REDACTED]');
    expect(env).to.have.property('PATH');
    leaks.record(result);
  });

  it('shows no secret in /config, /mcp/servers, server info or audit, only the shape of each auth block', async function () {
    const headers = { authorization: `Bearer ${clientKey}` };
    const config = await httpJson(`${gateway.url}/config`, { headers });
    const servers = await httpJson(`${gateway.url}/mcp/servers`, { headers });
    const info = await httpJson(`${gateway.url}/mcp/server/bearer-header-prefix/info`, { headers });
    expect(config.status).to.equal(200);
    expect(servers.status).to.equal(200);
    expect(info.status).to.equal(200);
    const listed = (servers.body.servers as Array<{ name: string; auth: unknown }>).find((server) => server.name === 'bearer-header-prefix');
    expect(listed?.auth).to.deep.equal({ method: 'bearer', location: 'header', name: 'Authorization', format: 'prefix' });
    for (const body of [config.body, servers.body, info.body]) leaks.record(body);
  });

  it("keeps a secret a backend quotes back in its refusal out of the server's status and the caller's error", async function () {
    const headers = { authorization: `Bearer ${clientKey}` };
    const servers = await httpJson(`${gateway.url}/mcp/servers`, { headers });
    const refusing = servers.body.servers.find((server: { name: string }) => server.name === 'echoes-refusal');
    expect(refusing.status).to.equal('down');
    expect(refusing.last_error).to.include('HTTP 401').and.include('key [REDACTED] is not valid');
    const invoke = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echoes-refusal`, { headers, body: { tool_name: 'echo', parameters: { message: 'x' } } });
    expect(invoke.status).to.equal(502);
    expect(invoke.body.message).to.include('[REDACTED]');
    for (const body of [servers.body, invoke.body]) leaks.record(body);
  });

  it('wrote no test secret to any log line, audit event, response or error', async function () {
    await gateway.gateway.flushAudit();
    expect(leaks.counts().logLines, 'debug logs were captured').to.be.greaterThan(20);
    expect(leaks.counts().auditEvents).to.be.greaterThan(combinations.length);
    expect(leaks.leaksOf()).to.deep.equal([]);
  });
});
