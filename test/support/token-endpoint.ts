/**
 * A small OAuth2 token endpoint for the client-credentials grant (RFC 6749 §4.4, client_secret_basic), on a free
 * loopback port. It issues random opaque tokens with a chosen lifetime and can say whether a token is still valid,
 * so a test backend can accept exactly the tokens it issued.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenEndpoint {
  url: string;
  /** Every token issued, per client id, oldest first. */
  issued: Map<string, string[]>;
  /** Grant requests received (including refused ones). */
  requests: Array<{ clientId?: string; scope?: string; audience?: string; ok: boolean }>;
  /** Lifetime of the next tokens, in seconds; undefined issues tokens without `expires_in`. */
  expiresIn: number | undefined;
  isValid(token: string | undefined): boolean;
  revoke(token: string): void;
  stop(): Promise<void>;
}

export async function startTokenEndpoint(clients: Record<string, string>, expiresIn?: number): Promise<TokenEndpoint> {
  const expiry = new Map<string, number>();
  const revoked = new Set<string>();
  const endpoint: Omit<TokenEndpoint, 'url' | 'stop'> = {
    issued: new Map(),
    requests: [],
    expiresIn,
    isValid: (token) => Boolean(token && expiry.has(token) && !revoked.has(token) && Date.now() < expiry.get(token)!),
    revoke: (token) => void revoked.add(token),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const [clientId, secret] = basicCredentials(req.headers.authorization);
    const ok = req.method === 'POST' && form.get('grant_type') === 'client_credentials' && clientId !== undefined && clients[clientId] === secret;
    endpoint.requests.push({ ok, ...(clientId ? { clientId } : {}), ...(form.get('scope') ? { scope: form.get('scope')! } : {}), ...(form.get('audience') ? { audience: form.get('audience')! } : {}) });
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    const token = `at-${randomBytes(16).toString('hex')}`;
    expiry.set(token, Date.now() + (endpoint.expiresIn ?? 3600) * 1000);
    endpoint.issued.set(clientId!, [...(endpoint.issued.get(clientId!) ?? []), token]);
    const body = { access_token: token, token_type: 'Bearer', ...(endpoint.expiresIn !== undefined ? { expires_in: endpoint.expiresIn } : {}) };
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}/token`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** `Basic base64(form-encoded id ":" form-encoded secret)` → [id, secret]. */
function basicCredentials(header: string | undefined): [string?, string?] {
  const match = /^Basic (\S+)$/.exec(header ?? '');
  if (!match) return [];
  const decoded = Buffer.from(match[1]!, 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return [];
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))];
}
