import { expect } from 'chai';
import { createGateway } from '@secure-mcp-gateway/core';
import apiKey, { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { httpJson } from '../../../test/support/client.js';
import { startGateway, type RunningGateway } from '../../../test/support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from '../../../test/support/oidc-provider.js';

describe('api-key plugin', function () {
  const adminKey = generateApiKey();
  const ciKey = generateApiKey();
  const expiredKey = generateApiKey();
  let gateway: RunningGateway;
  let oidc: TestOidcProvider;

  before(async function () {
    oidc = await startOidcProvider();
    gateway = await startGateway({
      servers: {},
      plugins: [
        apiKey({
          keys: [
            { id: 'ops', hash: hashApiKey(adminKey), roles: ['mcp-admin'] },
            { id: 'ci', hash: hashApiKey(ciKey), roles: ['mcp-user'], username: 'ci-pipeline' },
            { id: 'old', hash: hashApiKey(expiredKey), roles: ['mcp-admin'], expiresAt: '2020-01-01T00:00:00Z' },
          ],
        }),
        keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }),
      ],
    });
  });

  after(async function () {
    await gateway?.stop();
    await oidc?.stop();
  });

  const config = (headers: Record<string, string>) => httpJson(`${gateway.url}/config`, { headers });

  it('makes random, prefixed keys and sha256 hashes', function () {
    expect(adminKey).to.match(/^mgw_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).to.not.equal(adminKey);
    expect(hashApiKey('abc')).to.equal('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('authenticates a key from X-API-Key or a Bearer header, with the roles configured for it', async function () {
    expect((await config({ 'x-api-key': adminKey })).status).to.equal(200);
    expect((await config({ authorization: `Bearer ${adminKey}` })).status).to.equal(200);
    const ci = await config({ 'x-api-key': ciKey });
    expect(ci.status).to.equal(403); // authenticated, but mcp-user is not an admin role
    expect(ci.body.message).to.include('mcp-admin');
  });

  it('refuses unknown and expired keys with 401 and leaves JWTs to keycloak-jwt', async function () {
    const unknown = await config({ 'x-api-key': generateApiKey() });
    expect(unknown.status).to.equal(401);
    expect(unknown.body).to.deep.include({ error: 'invalid_token', message: 'invalid API key' });
    const expired = await config({ 'x-api-key': expiredKey });
    expect(expired.status).to.equal(401);
    expect(expired.body.message).to.include('expired');
    expect((await config({})).status).to.equal(401);
    const token = await oidc.passwordToken('admin');
    expect((await config({ authorization: `Bearer ${token}` })).status).to.equal(200);
  });

  it('refuses a config holding a key instead of its hash, naming the field', async function () {
    const error = await createGateway({ servers: {}, logging: { level: 'error' }, plugins: [apiKey({ keys: [{ id: 'x', hash: adminKey }] })] }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).to.include('plugins.api-key.keys.0.hash');
    expect(error?.message).to.not.include(adminKey);
  });
});
