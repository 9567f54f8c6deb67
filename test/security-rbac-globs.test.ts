/**
 * Deny wins, whatever a backend calls its tools: a deny glob such as `*delete*` must also catch a tool or prompt whose
 * name contains "/" (`admin/delete_user`), which picomatch's path semantics would otherwise let through.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

function adminTools(server: McpServer) {
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
  for (const name of ['users/list', 'admin/delete_user']) server.registerTool(name, {}, async () => text(name));
  for (const name of ['ops/reset_all', 'ops/status']) server.registerPrompt(name, {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: name } }] }));
}

describe('security: rbac globs and names containing "/"', function () {
  let oidc: TestOidcProvider;
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let client: Client;

  before(async function () {
    oidc = await startOidcProvider();
    backend = await startHttpBackend(adminTools);
    gateway = await startGateway({
      servers: { ops: { type: 'http', url: backend.url } },
      plugins: [
        keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }),
        rbac({
          default: 'allow',
          rules: [
            { effect: 'deny', tools: ['*delete*'], description: 'no deletes' },
            { effect: 'deny', prompts: ['*reset*'], description: 'no resets' },
          ],
        }),
      ],
    });
    client = await connectClient(gateway.mcpUrl, { token: await oidc.passwordToken('testuser') });
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await backend?.stop();
    await oidc?.stop();
  });

  it('hides and refuses a denied tool whose name contains "/", calling no backend', async function () {
    expect((await client.listTools()).tools.map((tool) => tool.name)).to.deep.equal(['ops__users/list']);
    const error = await client.callTool({ name: 'ops__admin/delete_user', arguments: {} }).then(() => undefined, (caught: unknown) => caught as { code: number });
    expect(error?.code).to.equal(-32003);
    expect(backend.requests.some((request) => (request.body as { method?: string })?.method === 'tools/call')).to.equal(false);
  });

  it('hides and refuses a denied prompt whose name contains "/"', async function () {
    expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).to.deep.equal(['ops__ops/status']);
    const error = await client.getPrompt({ name: 'ops__ops/reset_all' }).then(() => undefined, (caught: unknown) => caught as { code: number });
    expect(error?.code).to.equal(-32003);
  });
});
