import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { fetchWithRequestSignal } from '@secure-mcp-gateway/core';

describe('fetchWithRequestSignal', () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n'); // and never ends, like an SSE stream
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('leaves no listener on the shared signal once each response is read or cancelled', async () => {
    const shared = new AbortController();
    const fetchLike = fetchWithRequestSignal();
    for (let i = 0; i < 200; i++) {
      const response = await fetchLike(`${url}/json`, { signal: shared.signal });
      if (i % 2) expect(await response.json()).to.deep.equal({ ok: true });
      else await response.body!.cancel();
    }
    expect(getEventListeners(shared.signal, 'abort')).to.have.length(0);
  });

  it('still aborts a response being streamed when the shared signal aborts', async () => {
    const shared = new AbortController();
    const response = await fetchWithRequestSignal()(`${url}/stream`, { signal: shared.signal });
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
    expect(failure, 'the read should fail once aborted').to.be.instanceOf(Error);
  });

  it('refuses to start a request on an already aborted signal', async () => {
    const shared = new AbortController();
    shared.abort(new Error('closed'));
    let failure: unknown;
    try {
      await fetchWithRequestSignal()(`${url}/json`, { signal: shared.signal });
    } catch (error) {
      failure = error;
    }
    expect((failure as Error).message).to.equal('closed');
  });
});
