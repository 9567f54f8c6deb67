import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { nodeHttpFetch } from '@secure-mcp-gateway/core';

describe('nodeHttpFetch', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method: string; body: string; auth?: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: first\n\n'); // and never ends, like an SSE stream
        } else if (req.url === '/moved') {
          res.writeHead(307, { location: '/json' }).end();
        } else if (req.url === '/big') {
          // 4 KiB in chunks, with no declared length: only counting while it arrives can bound it
          res.writeHead(200, { 'content-type': 'application/json' });
          for (let i = 0; i < 4; i++) res.write('x'.repeat(1024));
          res.end();
        } else if (req.url === '/empty') {
          res.writeHead(202).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's-1' }).end(JSON.stringify({ echoed: body }));
        }
      });
    });
    server.keepAliveTimeout = 50; // closes idle connections quickly, so a reused socket may be gone
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends method, headers and body, and answers a JSON body with its status and headers', async () => {
    const response = await nodeHttpFetch()(`${url}/json`, { method: 'POST', headers: new Headers({ Authorization: 'Bearer b', 'content-type': 'application/json' }), body: '{"a":1}' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('mcp-session-id')).to.equal('s-1');
    expect(await response.json()).to.deep.equal({ echoed: '{"a":1}' });
    expect(seen.at(-1)).to.deep.equal({ method: 'POST', body: '{"a":1}', auth: 'Bearer b' });
  });

  it('cuts off a buffered answer over maxBodyBytes with a backend error, and reads one within it', async () => {
    const error = await nodeHttpFetch({ maxBodyBytes: 2048 })(`${url}/big`, { method: 'POST', body: '{}' }).then(() => undefined, (caught: Error) => caught);
    expect(error?.message).to.match(/exceeded .* the gateway's limit/);
    const response = await nodeHttpFetch({ maxBodyBytes: 4096 })(`${url}/big`, { method: 'POST', body: '{}' });
    expect((await response.text()).length).to.equal(4096);
  });

  it('answers 202 with an empty body', async () => {
    const response = await nodeHttpFetch()(`${url}/empty`, { method: 'POST', body: '{}' });
    expect(response.status).to.equal(202);
    expect(await response.text()).to.equal('');
  });

  it('follows a redirect as fetch does, keeping method and body', async () => {
    const response = await nodeHttpFetch()(`${url}/moved`, { method: 'POST', body: 'x' });
    expect(await response.json()).to.deep.equal({ echoed: 'x' });
  });

  it('keeps working across connections the server closed when idle, and leaves no listener on the signal', async () => {
    const shared = new AbortController();
    const fetchLike = nodeHttpFetch();
    for (let i = 0; i < 40; i++) {
      const response = await fetchLike(`${url}/json`, { method: 'POST', body: String(i), signal: shared.signal });
      expect(await response.json()).to.deep.equal({ echoed: String(i) });
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 60)); // past the server's keep-alive
    }
    expect(getEventListeners(shared.signal, 'abort')).to.have.length(0);
  });

  it('streams an SSE answer and fails the read when the signal aborts', async () => {
    const shared = new AbortController();
    const response = await nodeHttpFetch()(`${url}/stream`, { signal: shared.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).to.contain('first');
    expect(getEventListeners(shared.signal, 'abort')).to.have.length(1);
    shared.abort(new Error('transport closed'));
    let failure: unknown;
    try {
      await reader.read();
    } catch (error) {
      failure = error;
    }
    expect((failure as Error).message).to.equal('transport closed');
    expect(getEventListeners(shared.signal, 'abort')).to.have.length(0);
  });

  it('fails a streamed answer that stays silent past the idle timeout, and keeps pooled connections usable', async () => {
    const fetchLike = nodeHttpFetch({ idleTimeoutMs: 100 });
    const response = await fetchLike(`${url}/stream`);
    const reader = response.body!.getReader();
    await reader.read();
    const started = Date.now();
    let failure: unknown;
    try {
      await reader.read();
    } catch (error) {
      failure = error;
    }
    expect(failure, 'the silent stream should fail').to.be.instanceOf(Error);
    expect(Date.now() - started).to.be.below(5_000);
    expect(await (await fetchLike(`${url}/json`, { method: 'POST', body: 'a' })).json()).to.deep.equal({ echoed: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 40)); // idle in the pool, under both timeouts
    expect(await (await fetchLike(`${url}/json`, { method: 'POST', body: 'b' })).json()).to.deep.equal({ echoed: 'b' });
  });

  it('refuses to start on an aborted signal, and reports an unreachable server as "fetch failed"', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('closed'));
    const failures: unknown[] = [];
    await nodeHttpFetch()(`${url}/json`, { signal: aborted.signal }).catch((error: unknown) => failures.push(error));
    await nodeHttpFetch()('http://127.0.0.1:1/mcp', { method: 'POST', body: '{}' }).catch((error: unknown) => failures.push(error));
    expect((failures[0] as Error).message).to.equal('closed');
    expect(failures[1]).to.be.instanceOf(TypeError);
    expect((failures[1] as Error).message).to.equal('fetch failed');
    expect(((failures[1] as Error).cause as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });
});
