/**
 * Configuration as an operator writes it: cosmiconfig finds gateway.config.{ts,mts,js,mjs,json,yaml,yml} in the
 * working directory; the gateway runs what the file says; a mistake in the config, the servers file or a plugin's
 * options stops start-up with the path of the bad field and what was expected there.
 */
import { expect } from 'chai';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_SEARCH_PLACES, ConfigError, createGateway, loadConfig, type GatewayConfigInput } from '@secure-mcp-gateway/core';
import apiKey from '@secure-mcp-gateway/plugin-api-key';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import { connectClient } from './support/client.js';
import { startGateway } from './support/gateway.js';

const REPO_NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const MEMORY_SERVER = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));

/** The same gateway, written in each format cosmiconfig is asked to find: a servers file, two plugins, a port. */
const SERVERS_YAML = `servers:\n  memory:\n    type: stdio\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(MEMORY_SERVER)}]\n    env: { MEMORY_FILE_PATH: ./memory.jsonl }\n    timeout: 20\n    tags: [notes]\n`;
const AS_OBJECT = `{
  server: { host: '127.0.0.1', port: 0 },
  servers: './mcp_servers.yaml',
  logging: { level: 'error' },
  plugins: [{ package: '@secure-mcp-gateway/plugin-env-credentials', options: { allow: ['NOTES_*'] } }],
}`;
const CONFIG_FILES: Record<string, string> = {
  'gateway.config.ts': `import { defineConfig, type GatewayConfigInput } from '@secure-mcp-gateway/core';\nconst config: GatewayConfigInput = ${AS_OBJECT};\nexport default defineConfig(config);\n`,
  'gateway.config.mts': `import { defineConfig } from '@secure-mcp-gateway/core';\nexport default defineConfig(${AS_OBJECT});\n`,
  'gateway.config.js': `import { defineConfig } from '@secure-mcp-gateway/core';\nexport default defineConfig(${AS_OBJECT});\n`,
  'gateway.config.mjs': `export default ${AS_OBJECT};\n`,
  'gateway.config.json': JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, servers: './mcp_servers.yaml', logging: { level: 'error' }, plugins: [{ package: '@secure-mcp-gateway/plugin-env-credentials', options: { allow: ['NOTES_*'] } }] }, null, 2),
  'gateway.config.yaml': `server:\n  host: 127.0.0.1\n  port: 0\nservers: ./mcp_servers.yaml\nlogging:\n  level: error\nplugins:\n  - package: '@secure-mcp-gateway/plugin-env-credentials'\n    options:\n      allow: ['NOTES_*']\n`,
};
CONFIG_FILES['gateway.config.yml'] = CONFIG_FILES['gateway.config.yaml']!;

/** A fresh directory that resolves the workspace packages as a project of the operator's would. */
async function projectDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-gw-config-'));
  await symlink(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'operator-project', private: true, type: 'module' }));
  return dir;
}

async function startupError(config: GatewayConfigInput, baseDir?: string): Promise<Error> {
  return createGateway({ logging: { level: 'error', format: 'json' }, ...config }, baseDir ? { baseDir } : {}).then(
    async (gateway) => {
      await gateway.stop();
      return expect.fail('the gateway was created');
    },
    (error: Error) => error,
  );
}

describe('configuration', function () {
  const dirs: string[] = [];
  after(async function () {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('searches every documented file name', function () {
    expect(CONFIG_SEARCH_PLACES).to.include.members(Object.keys(CONFIG_FILES));
  });

  for (const [file, text] of Object.entries(CONFIG_FILES)) {
    it(`finds ${file} in the working directory and runs what it says`, async function () {
      this.timeout(20_000);
      const dir = await projectDir();
      dirs.push(dir);
      await writeFile(join(dir, file), text);
      await writeFile(join(dir, 'mcp_servers.yaml'), SERVERS_YAML);
      const config = await loadConfig({ cwd: dir });
      expect(config.baseDir).to.equal(dir);
      expect(config.serversFile).to.equal(join(dir, 'mcp_servers.yaml'));
      expect(config.servers['memory']).to.deep.include({ type: 'stdio', timeout: 20, tags: ['notes'] });
      expect(config.plugins.map((plugin) => plugin.name)).to.deep.equal(['env-credentials']);
      const gateway = await createGateway(config);
      try {
        const { url } = await gateway.start();
        const client = await connectClient(`${url}/mcp`);
        const tools = (await client.listTools()).tools.map((tool) => tool.name);
        expect(tools).to.include('memory__read_graph');
        await client.close();
      } finally {
        await gateway.stop();
      }
    });
  }

  it('loads an explicit --config path relative to the working directory', async function () {
    const dir = await projectDir();
    dirs.push(dir);
    await writeFile(join(dir, 'custom.yaml'), 'server:\n  port: 0\nservers: {}\n');
    const config = await loadConfig({ cwd: dir, explicitPath: 'custom.yaml' });
    expect(config.server.port).to.equal(0);
    expect(config.servers).to.deep.equal({});
  });

  it('says which file could not be loaded and why', async function () {
    const dir = await projectDir();
    dirs.push(dir);
    await writeFile(join(dir, 'gateway.config.json'), '{ "server": ');
    const error = await loadConfig({ cwd: dir }).then(() => expect.fail('loaded'), (caught: Error) => caught);
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message.startsWith(`cannot load config ${join(dir, 'gateway.config.json')}: `), error.message).to.equal(true);
    const missing = await loadConfig({ cwd: dir, explicitPath: 'nope.yaml' }).then(() => expect.fail('loaded'), (caught: Error) => caught);
    expect(missing.message).to.contain('cannot load config nope.yaml');
  });

  it('refuses a TypeScript config with a syntax error, naming its line, instead of running a repaired guess', async function () {
    const dir = await projectDir();
    dirs.push(dir);
    await writeFile(join(dir, 'gateway.config.ts'), "export default {\n  server: { port: 0 }\n  servers: {},\n};\n");
    const error = await loadConfig({ cwd: dir }).then(() => expect.fail('loaded'), (caught: Error) => caught);
    expect(error.message).to.equal(`cannot load config ${join(dir, 'gateway.config.ts')}: line 3, column 3: ',' expected.`);
  });

  describe('mistakes name the path and the expected shape', function () {
    it('in the config', async function () {
      const error = await startupError({ server: { port: 'eighty' as unknown as number, prot: 1 } as never, logging: { level: 'loud' as never } });
      expect(error).to.be.instanceOf(ConfigError);
      expect(error.message).to.contain('config.server.port: must be integer');
      expect(error.message).to.contain('config.server: unknown option "prot"');
      expect(error.message).to.match(/config\.logging\.level: must be one of "[a-z]+"/);
    });

    it('in an inline server', async function () {
      const error = await startupError({ servers: { prod: { type: 'http', url: 'http://127.0.0.1:1/mcp', timeout: 'soon' as unknown as number } } });
      expect(error.message).to.contain('config.servers.prod.timeout: must be number');
      const badUrl = await startupError({ servers: { prod: { type: 'http', url: 'ftp://logs', auth: { method: 'bearer', credential_ref: 'ELK_TOKEN' } } } });
      expect(badUrl.message).to.contain('config.servers.prod.url: must be an http:// or https:// URL');
      expect(badUrl.message).to.contain('config.servers.prod.auth.credential_ref: must be a reference such as env://VAR');
    });

    it('in the servers file, naming the file', async function () {
      const dir = await projectDir();
      dirs.push(dir);
      await writeFile(join(dir, 'mcp_servers.yaml'), 'servers:\n  prod-elk-1:\n    url: http://127.0.0.1:1/mcp\n    type: http\n    timeout: sixty\n');
      const error = await startupError({ servers: './mcp_servers.yaml' }, dir);
      expect(error.message).to.contain(`${join(dir, 'mcp_servers.yaml')}: servers.prod-elk-1.timeout: must be number`);
    });

    it('in a plugin\'s options, naming the plugin', async function () {
      const wrongType = await startupError({ plugins: [envCredentials({ allow: 'NOTES_*' as unknown as string[] })] });
      expect(wrongType).to.be.instanceOf(ConfigError);
      expect(wrongType.message).to.contain('plugins.env-credentials.allow: must be array');
      const missing = await startupError({ plugins: [apiKey({ keys: [{ id: 'ci' }] } as never)] });
      expect(missing.message).to.contain('plugins.api-key.keys.0: missing required option "hash"');
      const unknown = await startupError({ plugins: [envCredentials({ alow: [] } as never)] });
      expect(unknown.message).to.contain('plugins.env-credentials: unknown option "alow"');
    });

    it('in a plugin\'s options of a file config, naming the file too', async function () {
      const dir = await projectDir();
      dirs.push(dir);
      const file = join(dir, 'gateway.config.yaml');
      await writeFile(file, 'plugins:\n  - package: "@secure-mcp-gateway/plugin-env-credentials"\n    options: { alow: [] }\n');
      const error = await createGateway(await loadConfig({ cwd: dir })).then(() => expect.fail('the gateway was created'), (caught: Error) => caught);
      expect(error).to.be.instanceOf(ConfigError);
      expect(error.message).to.contain(`${file}: plugins.env-credentials: unknown option "alow"`);
      // Without a file (createGateway in a program of one's own) the message is as before.
      const inline = await startupError({ plugins: [envCredentials({ alow: [] } as never)] });
      expect(inline.message).to.contain('\n  - plugins.env-credentials: unknown option "alow"');
    });

    it('in a plugin reference of a file config', async function () {
      const dir = await projectDir();
      dirs.push(dir);
      await writeFile(join(dir, 'gateway.config.yaml'), 'plugins:\n  - package: "@secure-mcp-gateway/plugin-that-does-not-exist"\n');
      const error = await loadConfig({ cwd: dir }).then(() => expect.fail('loaded'), (caught: Error) => caught);
      expect(error.message.startsWith(`${join(dir, 'gateway.config.yaml')}: config.plugins.0: cannot load plugin package "@secure-mcp-gateway/plugin-that-does-not-exist"`), error.message).to.equal(true);
    });

    it('in a config file, naming the file and the options that exist', async function () {
      const dir = await projectDir();
      dirs.push(dir);
      await writeFile(join(dir, 'gateway.config.yaml'), 'server:\n  prot: 8000\n');
      const error = await loadConfig({ cwd: dir }).then(() => expect.fail('loaded'), (caught: Error) => caught);
      expect(error.message).to.contain(`${join(dir, 'gateway.config.yaml')}: config.server: unknown option "prot" (expected one of: host, port, publicUrl,`);
    });

    it('in the servers file\'s top-level key, instead of running with no servers', async function () {
      const dir = await projectDir();
      dirs.push(dir);
      await writeFile(join(dir, 'mcp_servers.yaml'), 'server:\n  prod-elk-1:\n    url: http://127.0.0.1:1/mcp\n');
      const error = await startupError({ servers: './mcp_servers.yaml' }, dir);
      expect(error).to.be.instanceOf(ConfigError);
      expect(error.message).to.equal(`${join(dir, 'mcp_servers.yaml')}: unknown key "server" (expected only "servers", a mapping of server name to settings)`);
    });
  });

  it('createGateway(config) composes a gateway in a program of one\'s own', async function () {
    const running = await startGateway({ servers: {}, plugins: [envCredentials()] });
    try {
      expect(running.gateway.config.plugins.map((plugin) => plugin.name)).to.deep.equal(['env-credentials']);
      const client = await connectClient(running.mcpUrl);
      expect((await client.listTools()).tools).to.deep.equal([]);
      await client.close();
    } finally {
      await running.stop();
    }
  });
});
