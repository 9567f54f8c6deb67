/**
 * The seed's REST API with real backends (server-everything over stdio, an SDK server over Streamable HTTP): the
 * same paths and shapes as the seed, with its errors fixed — 400 for a bad request, 404 for what does not exist,
 * and never a secret in a response. (502 and 504 from failing backends are in core-backend-faults.test.ts.)
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { everythingStdio, startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { connectDirect } from './support/direct-client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

const SECRET_VARIABLE = 'CORE_REST_API_TEST_TOKEN';

function weatherBackend(server: McpServer): void {
  server.registerTool('forecast', { description: 'Tomorrow\'s weather', inputSchema: { city: z.string() } }, async ({ city }) => ({
    content: [{ type: 'text', text: `${city}: sunny` }],
    structuredContent: { city, sky: 'sunny' },
  }));
  server.registerTool('broken', {}, async () => ({ content: [{ type: 'text', text: 'sensor offline' }], isError: true }));
}

describe('REST API', function () {
  const secret = `secret-${randomBytes(12).toString('hex')}`;
  let weather: HttpBackend;
  let gateway: RunningGateway;
  const get = (path: string) => httpJson(`${gateway.url}${path}`);
  const invoke = (server: string, body: unknown) => httpJson(`${gateway.url}/mcp/invoke?mcp_server=${server}`, { method: 'POST', body });

  before(async function () {
    process.env[SECRET_VARIABLE] = secret;
    weather = await startHttpBackend(weatherBackend, { name: 'weather-backend' });
    gateway = await startGateway({
      servers: {
        everything: everythingStdio({ description: 'the reference server', tags: ['demo'] }),
        weather: { type: 'http', url: weather.url, timeout: 5, tags: ['forecast'], auth: { method: 'bearer', credential_ref: `env://${SECRET_VARIABLE}` } },
        resting: { type: 'http', url: 'http://127.0.0.1:9/mcp', enabled: false, description: 'switched off' },
      },
      plugins: [envCredentials()],
    });
  });

  after(async function () {
    await gateway?.stop();
    await weather?.stop();
    delete process.env[SECRET_VARIABLE];
  });

  /** The backend got the secret (so it is in play), yet no response of the gateway ever shows it. */
  function expectNoSecret(body: unknown): void {
    expect(weather.requests.some((request) => request.headers['authorization'] === `Bearer ${secret}`), 'the backend received its credential').to.equal(true);
    expect(JSON.stringify(body)).to.not.contain(secret).and.not.contain(SECRET_VARIABLE);
  }

  it('GET / describes the gateway', async function () {
    const { status, body } = await get('/');
    expect(status).to.equal(200);
    expect(body).to.include({ name: 'Secure MCP Gateway', mcp_endpoint: `${gateway.url}/mcp` });
    expect(body.version).to.match(/^\d+\.\d+\.\d+/);
    expect(body.capabilities).to.deep.include({ authentication: false, plugins: ['env-credentials'] });
    expect(body.capabilities.tools.available).to.be.greaterThan(10);
  });

  it('GET /health reports each enabled backend with its tool count', async function () {
    const { status, body } = await get('/health');
    expect(status).to.equal(200);
    expect(body).to.include({ status: 'healthy', auth_enabled: false });
    expect(body.servers.weather).to.deep.equal({ status: 'up', tools: 2 });
    expect(body.servers.everything.status).to.equal('up');
    expect(body.servers.resting).to.deep.equal({ status: 'disabled', tools: 0 });
  });

  it('GET /config shows the effective configuration without secrets', async function () {
    const { status, body } = await get('/config');
    expect(status).to.equal(200);
    expect(body).to.include({ auth_enabled: false, public_url: gateway.url });
    expect(body.servers).to.have.members(['everything', 'weather', 'resting']);
    expect(body.plugins).to.deep.equal(['env-credentials']);
    expectNoSecret(body);
  });

  it('GET /mcp/servers lists every server, disabled ones included, with status and the shape of its auth only', async function () {
    const { status, body } = await get('/mcp/servers');
    expect(status).to.equal(200);
    expect(body.count).to.equal(3);
    const byName = Object.fromEntries(body.servers.map((server: { name: string }) => [server.name, server]));
    expect(byName.weather).to.deep.equal({
      name: 'weather', url: weather.url, type: 'streamable-http', enabled: true, description: null, tags: ['forecast'], timeout: 5,
      status: 'up', last_error: null, tool_count: 2, auth: { method: 'bearer', location: 'header', name: 'Authorization', format: 'prefix' },
    });
    expect(byName.everything).to.include({ type: 'stdio', url: null, description: 'the reference server', status: 'up', auth: null });
    expect(byName.resting).to.include({ enabled: false, status: 'disabled', description: 'switched off' });
    expectNoSecret(body);
  });

  it('GET /mcp/server/{name}/info gives what the backend said about itself, and 404 for an unknown server', async function () {
    const { status, body } = await get('/mcp/server/weather/info');
    expect(status).to.equal(200);
    expect(body).to.include({ name: 'weather', status: 'up', resource_count: 0, prompt_count: 0 });
    expect(body.server_info).to.deep.include({ name: 'weather-backend', version: '1.0.0' });
    expect(body.capabilities).to.have.property('tools');
    expectNoSecret(body);
    const everything = await get('/mcp/server/everything/info');
    expect(everything.body.resource_count).to.be.greaterThan(0);
    expect(everything.body.prompt_count).to.be.greaterThan(0);
    const unknown = await get('/mcp/server/nowhere/info');
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.deep.equal({ error: 'not_found', message: 'unknown server "nowhere"' });
  });

  describe('tools', function () {
    it('GET /mcp/list-tools lists one server\'s tools under their own names, as the backend lists them', async function () {
      const { status, body } = await get('/mcp/list-tools?mcp_server=everything');
      expect(status).to.equal(200);
      const direct = await connectDirect(everythingStdio());
      try {
        expect(body).to.deep.equal({ mcp_server: 'everything', tools: (await direct.listTools()).tools, count: body.tools.length });
      } finally {
        await direct.close();
      }
    });

    it('GET /mcp/list-tools: 400 without mcp_server, 404 for an unknown one', async function () {
      expect(await get('/mcp/list-tools')).to.deep.include({ status: 400, body: { error: 'bad_request', message: 'query parameter "mcp_server" is required' } });
      expect(await get('/mcp/list-tools?mcp_server=nowhere')).to.deep.include({ status: 404, body: { error: 'not_found', message: 'unknown server "nowhere"' } });
    });

    it('POST /mcp/invoke answers {success, tool_name, mcp_server, result, execution_time_ms}', async function () {
      const { status, body } = await invoke('weather', { tool_name: 'forecast', parameters: { city: 'Oslo' } });
      expect(status).to.equal(200);
      expect(body).to.deep.include({
        success: true,
        tool_name: 'forecast',
        mcp_server: 'weather',
        result: { content: [{ type: 'text', text: 'Oslo: sunny' }], structuredContent: { city: 'Oslo', sky: 'sunny' } },
      });
      expect(body.execution_time_ms).to.be.a('number').and.at.least(0);
      expectNoSecret(body);
    });

    it('POST /mcp/invoke passes a tool error through as success: false with the result', async function () {
      const { status, body } = await invoke('weather', { tool_name: 'broken' });
      expect(status).to.equal(200);
      expect(body).to.deep.include({ success: false, result: { content: [{ type: 'text', text: 'sensor offline' }], isError: true } });
    });

    it('POST /mcp/invoke: 404 for an unknown server or tool', async function () {
      expect(await invoke('nowhere', { tool_name: 'forecast' })).to.deep.include({ status: 404, body: { error: 'not_found', message: 'unknown server "nowhere"' } });
      expect(await invoke('weather', { tool_name: 'no-such-tool' })).to.deep.include({ status: 404, body: { error: 'not_found', message: 'server "weather" has no tool "no-such-tool"' } });
    });

    it('POST /mcp/invoke: 400 for a body that is not {tool_name, parameters}, and for invalid JSON', async function () {
      for (const [body, message] of [
        [[1, 2], 'body must be a JSON object: {"tool_name": "...", "parameters": {...}}'],
        [{}, '"tool_name" must be a non-empty string'],
        [{ tool_name: 42 }, '"tool_name" must be a non-empty string'],
        [{ tool_name: 'forecast', parameters: ['Oslo'] }, '"parameters" must be a JSON object'],
        [{ tool_name: 'forecast', parameters: 'Oslo' }, '"parameters" must be a JSON object'],
      ] as const) {
        expect(await invoke('weather', body), JSON.stringify(body)).to.deep.include({ status: 400, body: { error: 'bad_request', message } });
      }
      const broken = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=weather`, { method: 'POST', body: '{"tool_name": "forecast",', headers: { 'content-type': 'application/json' } });
      expect(broken).to.deep.include({ status: 400, body: { error: 'invalid_json', message: 'request body is not valid JSON' } });
    });

    it('POST /mcp/invoke: a backend that reports bad arguments as a tool error is relayed as such', async function () {
      const { status, body } = await invoke('weather', { tool_name: 'forecast', parameters: { city: 7 } });
      expect(status).to.equal(200);
      expect(body).to.deep.include({ success: false, tool_name: 'forecast' });
      expect(body.result.isError).to.equal(true);
      expect(body.result.content[0].text).to.match(/Invalid arguments for tool forecast.*city/);
    });
  });

  describe('resources and prompts', function () {
    it('GET /mcp/list-resources and /mcp/read-resource give the backend\'s own URIs and contents', async function () {
      const list = await get('/mcp/list-resources?mcp_server=everything');
      expect(list.status).to.equal(200);
      expect(list.body.mcp_server).to.equal('everything');
      expect(list.body.count).to.equal(list.body.resources.length).and.be.greaterThan(0);
      const first = list.body.resources[0] as { uri: string };
      expect(first.uri).to.not.contain('__');
      const read = await get(`/mcp/read-resource?mcp_server=everything&uri=${encodeURIComponent(first.uri)}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ mcp_server: 'everything', uri: first.uri });
      expect(read.body.contents[0]).to.include({ uri: first.uri });
    });

    it('GET /mcp/read-resource: 400 without uri, 404 for an unknown server', async function () {
      expect(await get('/mcp/read-resource?mcp_server=everything')).to.deep.include({ status: 400, body: { error: 'bad_request', message: 'query parameter "uri" is required' } });
      expect((await get('/mcp/read-resource?mcp_server=nowhere&uri=demo%3A%2F%2Fx')).status).to.equal(404);
    });

    it('GET /mcp/list-prompts lists prompts with their arguments', async function () {
      const { status, body } = await get('/mcp/list-prompts?mcp_server=everything');
      expect(status).to.equal(200);
      expect(body.count).to.equal(body.prompts.length);
      const prompt = body.prompts.find((item: { name: string }) => item.name === 'args-prompt');
      expect(prompt.arguments.map((argument: { name: string }) => argument.name)).to.deep.equal(['city', 'state']);
    });

    it('GET /mcp/get-prompt passes ?arguments= (a JSON object) to the prompt', async function () {
      const args = encodeURIComponent(JSON.stringify({ city: 'Paris', state: 'Texas' }));
      const { status, body } = await get(`/mcp/get-prompt?mcp_server=everything&name=args-prompt&arguments=${args}`);
      expect(status).to.equal(200);
      expect(body).to.include({ mcp_server: 'everything', name: 'args-prompt' });
      expect(body.messages[0].content).to.deep.equal({ type: 'text', text: "What's weather in Paris, Texas?" });
    });

    it('GET /mcp/get-prompt: 400 without a name or with arguments that are not a JSON object of strings', async function () {
      expect((await get('/mcp/get-prompt?mcp_server=everything')).body).to.deep.equal({ error: 'bad_request', message: 'query parameter "name" is required' });
      for (const raw of ['{city', '["Paris"]', '{"city":1}']) {
        const response = await get(`/mcp/get-prompt?mcp_server=everything&name=args-prompt&arguments=${encodeURIComponent(raw)}`);
        expect(response, raw).to.deep.include({ status: 400, body: { error: 'bad_request', message: 'query parameter "arguments" must be a JSON object of strings' } });
      }
    });

    it('GET /mcp/get-prompt: an unknown prompt is the backend\'s own refusal (invalid params: 400), not a 500', async function () {
      const { status, body } = await get('/mcp/get-prompt?mcp_server=everything&name=no-such-prompt');
      expect(status).to.equal(400);
      expect(body).to.deep.equal({ error: 'backend_error', message: 'Prompt no-such-prompt not found' });
    });
  });

  it('answers an unknown route with a 404 JSON body', async function () {
    expect(await get('/mcp/no-such-route')).to.deep.include({ status: 404, body: { error: 'not_found', message: 'no route GET /mcp/no-such-route' } });
  });
});
