/**
 * The example files operators copy: the complete servers file loads with the gateway's own loader and covers every
 * option it claims to, and each MCP client config is valid JSON whose URL is the gateway's /mcp endpoint — proved by
 * connecting an SDK client to a running gateway with that config's path and headers.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadServersFile, type ServersConfig } from '@secure-mcp-gateway/core';
import { everythingStdio } from '../../test/support/backends.js';
import { startGateway, type RunningGateway } from '../../test/support/gateway.js';

const example = (path: string) => new URL(`../${path}`, import.meta.url);
const readJson = async (path: string) => JSON.parse(await readFile(example(path), 'utf8')) as Record<string, any>;

/** The gateway URL and headers an MCP client config names, whatever the client's format. */
interface ClientEndpoint {
  url: string;
  headers: Record<string, string>;
}

const CLIENT_CONFIGS: Record<string, (config: Record<string, any>) => ClientEndpoint> = {
  // Claude Desktop runs stdio servers only; mcp-remote bridges to the gateway's Streamable HTTP endpoint.
  'claude_desktop_config.json': (config) => {
    const server = config['mcpServers']['secure-mcp-gateway'];
    expect(server.command).to.equal('npx');
    const args = server.args as string[];
    expect(args).to.include('mcp-remote');
    const header = args[args.indexOf('--header') + 1]!;
    const [name, value] = [header.slice(0, header.indexOf(':')), header.slice(header.indexOf(':') + 1)];
    const variable = /^\$\{(\w+)\}$/.exec(value)![1]!;
    return { url: args.find((arg) => arg.startsWith('http'))!, headers: { [name]: server.env[variable] } };
  },
  'cursor_mcp_config.json': (config) => {
    const server = config['mcpServers']['secure-mcp-gateway'];
    return { url: server.url, headers: server.headers };
  },
  'vscode/mcp.json': (config) => {
    const server = config['servers']['secure-mcp-gateway'];
    expect(server.type).to.equal('http');
    const inputIds = (config['inputs'] as Array<{ id: string; password?: boolean }>).map((input) => input.id);
    for (const value of Object.values(server.headers as Record<string, string>)) {
      for (const [, id] of value.matchAll(/\$\{input:([\w-]+)\}/g)) expect(inputIds, `input ${id}`).to.include(id);
    }
    return { url: server.url, headers: server.headers };
  },
};

describe('examples', function () {
  describe('mcp_servers_complete.yaml', function () {
    let servers: ServersConfig;

    before(async function () {
      servers = await loadServersFile(example('mcp_servers_complete.yaml').pathname);
    });

    it('is a valid servers file for the gateway\'s loader', function () {
      expect(Object.keys(servers)).to.have.length.greaterThan(10);
    });

    it('shows every transport, auth method, location, format and credential scheme', function () {
      const all = Object.values(servers);
      const auths = all.flatMap((server) => (server.auth ? [server.auth] : []));
      expect(new Set(all.map((server) => server.type))).to.deep.equal(new Set(['streamable-http', 'sse', 'stdio']));
      expect(new Set(auths.map((auth) => auth.method))).to.deep.equal(new Set(['api_key', 'bearer', 'basic', 'oauth2', 'custom', 'none']));
      const withCredential = auths.filter((auth) => auth.method !== 'none');
      expect(new Set(withCredential.map((auth) => auth.location))).to.deep.equal(new Set(['header', 'query', 'body', 'env']));
      expect(new Set(withCredential.map((auth) => auth.format))).to.deep.equal(new Set(['raw', 'prefix', 'template']));
      expect(new Set(withCredential.map((auth) => auth.credential_ref!.split('://')[0]))).to.deep.equal(new Set(['env', 'file', 'vault']));
    });

    it('has tags shared by enabled servers, which become broadcast groups', function () {
      const counts = new Map<string, number>();
      for (const server of Object.values(servers).filter((server) => server.enabled)) {
        for (const tag of server.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
      const groups = [...counts].filter(([, count]) => count >= 2).map(([tag]) => tag);
      expect(groups).to.include.members(['logging', 'production', 'elk-cluster']);
      expect(servers['staging-elk']?.enabled).to.equal(false);
    });
  });

  describe('MCP client configs', function () {
    let gateway: RunningGateway;

    before(async function () {
      gateway = await startGateway({ servers: { everything: everythingStdio() } });
    });

    after(async function () {
      await gateway?.stop();
    });

    for (const [file, endpointOf] of Object.entries(CLIENT_CONFIGS)) {
      it(`${file} is valid JSON pointing at the gateway's /mcp, and a client configured so connects`, async function () {
        const { url, headers } = endpointOf(await readJson(file));
        const configured = new URL(url);
        expect(`${configured.origin}${configured.pathname}`).to.equal('http://localhost:8000/mcp');
        expect(headers['Authorization']).to.match(/^Bearer \S+$/);
        const client = new Client({ name: `example-${file}`, version: '1.0.0' });
        const live = new URL(configured.pathname, gateway.url);
        await client.connect(new StreamableHTTPClientTransport(live, { requestInit: { headers } }));
        try {
          const { tools } = await client.listTools();
          expect(tools.map((tool) => tool.name)).to.include('everything__echo');
        } finally {
          await client.close();
        }
      });
    }
  });
});
