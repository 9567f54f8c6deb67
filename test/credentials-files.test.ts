/**
 * file:// and env:// references at start-up and at run time: a secret rotated in its file reaches the backend
 * without a restart, and a missing variable or file, an unknown scheme or a header value with CR/LF stops start-up
 * with an error that names the server and the reference, never the secret.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { GatewayConfigInput } from '@secure-mcp-gateway/core';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import fileCredentials from '@secure-mcp-gateway/plugin-file-credentials';
import { z } from 'zod';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import type { RunningGateway } from './support/gateway.js';
import { masked, watchForSecretLeaks } from './support/secret-leak-watch.js';
import { waitFor } from './support/wait.js';

describe('credentials: files, rotation and start-up errors', function () {
  const leaks = watchForSecretLeaks();
  const secret = (label: string) => leaks.secret(`${label}-${randomBytes(12).toString('hex')}`);
  const first = secret('first');
  const second = secret('second');
  const third = secret('third');
  let dir: string;
  let backend: HttpBackend;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-credentials-'));
    backend = await startHttpBackend((server) => {
      server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
    });
  });

  after(async function () {
    await backend?.stop();
    await rm(dir, { recursive: true, force: true });
    leaks.stop();
  });

  const bearerFrom = (credential_ref: string): GatewayConfigInput['servers'] => ({
    elk: { type: 'http', url: backend.url, auth: { method: 'bearer', location: 'header', name: 'Authorization', format: 'prefix', prefix: 'Bearer ', credential_ref } },
  });
  const toolCallHeaders = () =>
    backend.requests.filter((request) => (request.body as { method?: string })?.method === 'tools/call').map((request) => request.headers['authorization']);

  describe('a secret file', function () {
    let gateway: RunningGateway;
    let client: Client;
    let file: string;

    before(async function () {
      file = join(dir, 'elk-token');
      await writeFile(file, `  ${first}  \nthe second line is not part of the secret\n`, { mode: 0o600 });
      gateway = await leaks.startGateway({ servers: bearerFrom(`file://${file}`), plugins: [fileCredentials({ pollIntervalSeconds: 0 })] });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
    });

    it('sends the first line, trimmed', async function () {
      await client.callTool({ name: 'elk__echo', arguments: { message: 'one' } });
      expect(masked(toolCallHeaders().at(-1))).to.equal(masked(`Bearer ${first}`));
    });

    it('uses a secret rewritten in place from then on, without a restart', async function () {
      await writeFile(file, `${second}\n`);
      await waitFor(() => backend.requests.some((request) => request.headers['authorization'] === `Bearer ${second}`), 'the gateway to reconnect with the rotated secret');
      const sentBefore = backend.requests.length;
      await client.callTool({ name: 'elk__echo', arguments: { message: 'two' } });
      expect(masked(toolCallHeaders().at(-1))).to.equal(masked(`Bearer ${second}`));
      for (const request of backend.requests.slice(sentBefore)) expect(masked(request.headers['authorization'])).to.equal(masked(`Bearer ${second}`));
    });

    it('follows an atomic replacement (write elsewhere, rename over it), as secret managers and Kubernetes do', async function () {
      const staged = join(dir, '.elk-token.new');
      await writeFile(staged, `${third}\n`, { mode: 0o600 });
      await rename(staged, file);
      await waitFor(() => backend.requests.some((request) => request.headers['authorization'] === `Bearer ${third}`), 'the gateway to pick up the replaced file');
      await client.callTool({ name: 'elk__echo', arguments: { message: 'three' } });
      expect(masked(toolCallHeaders().at(-1))).to.equal(masked(`Bearer ${third}`));
    });
  });

  describe('start-up', function () {
    const startupError = async (config: GatewayConfigInput): Promise<Error> => {
      try {
        const gateway = await leaks.startGateway(config);
        await gateway.stop();
      } catch (error) {
        leaks.record((error as Error).message);
        return error as Error;
      }
      throw new Error('the gateway started');
    };

    it('stops on a missing variable, naming the server and the reference', async function () {
      delete process.env['CRED_TEST_MISSING'];
      const error = await startupError({ servers: bearerFrom('env://CRED_TEST_MISSING'), plugins: [envCredentials()] });
      expect(error.message).to.include('server "elk"').and.include('env://CRED_TEST_MISSING').and.include('environment variable CRED_TEST_MISSING is not set');
    });

    it('stops on a missing file, naming the server and the reference', async function () {
      const missing = join(dir, 'nope');
      const error = await startupError({ servers: bearerFrom(`file://${missing}`), plugins: [fileCredentials()] });
      expect(error.message).to.include('server "elk"').and.include(`file://${missing}`).and.include('does not exist');
    });

    it('stops on an empty file and on a relative path', async function () {
      const empty = join(dir, 'empty');
      await writeFile(empty, '\n  \n');
      expect((await startupError({ servers: bearerFrom(`file://${empty}`), plugins: [fileCredentials()] })).message).to.include('is empty');
      expect((await startupError({ servers: bearerFrom('file://relative/token'), plugins: [fileCredentials()] })).message).to.include('server "elk"');
    });

    it('stops on a file outside the allowed directories', async function () {
      const file = join(dir, 'outside');
      await writeFile(file, `${first}\n`);
      const error = await startupError({ servers: bearerFrom(`file://${file}`), plugins: [fileCredentials({ allowedDirectories: ['/run/secrets'] })] });
      expect(error.message).to.include('outside the directories');
    });

    it('stops on a scheme no plugin owns, naming the server', async function () {
      const error = await startupError({ servers: bearerFrom('vault://secret/elk#token'), plugins: [envCredentials()] });
      expect(error.message).to.include('servers.elk.auth.credential_ref').and.include('vault-credentials');
    });

    it('refuses a header value with CR or LF (or another control character) and does not echo it', async function () {
      const injected = leaks.secret(`tok-${randomBytes(8).toString('hex')}`);
      process.env['CRED_TEST_CRLF'] = `${injected}\r\nX-Injected: yes`;
      process.env['CRED_TEST_TAB'] = `${injected}\u0007bell`;
      try {
        for (const variable of ['CRED_TEST_CRLF', 'CRED_TEST_TAB']) {
          const error = await startupError({ servers: bearerFrom(`env://${variable}`), plugins: [envCredentials()] });
          expect(error.message).to.include('servers.elk.auth').and.include('control characters');
        }
        process.env['CRED_TEST_CLEAN'] = injected;
        const template = await startupError({
          servers: { elk: { type: 'http', url: backend.url, auth: { method: 'custom', name: 'X-Auth', format: 'template', template: 'a {credential}\nX-Injected: yes', credential_ref: 'env://CRED_TEST_CLEAN' } } },
          plugins: [envCredentials()],
        });
        expect(template.message).to.include('control characters');
        expect(backend.requests.some((request) => 'x-injected' in request.headers)).to.equal(false);
      } finally {
        delete process.env['CRED_TEST_CRLF'];
        delete process.env['CRED_TEST_TAB'];
        delete process.env['CRED_TEST_CLEAN'];
      }
    });
  });

  describe('the leak watch itself', function () {
    const probe = watchForSecretLeaks();
    const planted = probe.secret(`planted-${randomBytes(8).toString('hex')}`);
    after(() => probe.stop());

    it('finds a secret in a log line, and its base64 form in a response', function () {
      process.stderr.write(`a log line carrying ${planted}\n`);
      probe.record({ header: `Basic ${Buffer.from(planted).toString('base64')}` });
      expect(probe.leaksOf()).to.deep.equal(['a test secret appears in a log line', 'a test secret appears in a response or error line']);
    });
  });

  describe('afterwards', function () {
    it('wrote no test secret to any log line, audit event or error', function () {
      expect(leaks.counts().logLines).to.be.greaterThan(10);
      expect(leaks.counts().recorded).to.be.greaterThan(5);
      expect(leaks.leaksOf()).to.deep.equal([]);
    });
  });
});
