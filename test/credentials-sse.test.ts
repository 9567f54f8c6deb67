/**
 * Credentials reach a backend over the older HTTP+SSE transport too (type: sse): on the stream's GET and on every
 * POSTed message. The backend answers with a digest of what it received, since results that echo a secret are scrubbed.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fileCredentials from '@secure-mcp-gateway/plugin-file-credentials';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from './support/client.js';
import type { RunningGateway } from './support/gateway.js';
import { masked, watchForSecretLeaks } from './support/secret-leak-watch.js';
import { startSseBackend, type SseBackend } from './support/sse-backend.js';

const digest = (value: unknown) => createHash('sha256').update(String(value)).digest('hex');

describe('credentials: an HTTP+SSE backend', function () {
  const leaks = watchForSecretLeaks();
  const secret = leaks.secret(`sse-${randomBytes(12).toString('hex')}`);
  let dir: string;
  let backend: SseBackend;
  let gateway: RunningGateway;
  let client: Client;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'credentials-sse-'));
    await writeFile(join(dir, 'key'), `${secret}\n`, { mode: 0o600 });
    backend = await startSseBackend((server) => {
      server.registerTool('received-key', { description: 'SHA-256 of the X-API-Key header of this message' }, async (extra) => ({
        content: [{ type: 'text', text: digest(extra.requestInfo?.headers['x-api-key']) }],
      }));
    });
    gateway = await leaks.startGateway({
      servers: { legacy: { type: 'sse', url: backend.url, auth: { method: 'api_key', name: 'X-API-Key', format: 'template', template: 'k={credential}', credential_ref: `file://${join(dir, 'key')}` } } },
      plugins: [fileCredentials({ pollIntervalSeconds: 0 })]
    });
    client = await connectClient(gateway.mcpUrl);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await backend?.stop();
    await rm(dir, { recursive: true, force: true });
    leaks.stop();
  });

  it('sends the formatted credential with the messages it posts', async function () {
    const result = await client.callTool({ name: 'legacy__received-key', arguments: {} });
    expect(masked((result.content as Array<{ text: string }>)[0]!.text)).to.equal(masked(digest(`k=${secret}`)));
  });

  it('wrote no secret to any log line or audit event', async function () {
    await gateway.gateway.flushAudit();
    expect(leaks.counts().logLines).to.be.greaterThan(1);
    expect(leaks.leaksOf()).to.deep.equal([]);
  });
});
