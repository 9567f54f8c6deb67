import { expect } from 'chai';
import { createGateway } from '@secure-mcp-gateway/core';
import keycloakJwt, { keycloakJwt as named } from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { principalFromClaims } from '../src/principal-mapping.js';
import { resolveOptions } from '../src/options.js';
import { bearerToken } from '../src/bearer-token.js';

const mapping = { username: 'preferred_username', email: 'email', roles: ['realm_access.roles'], clientRoles: ['mcp-gateway'], scopes: 'scope' };

describe('keycloak-jwt: claims, options and the bearer header', function () {
  it('maps Keycloak claims to a principal: realm roles, the gateway client roles only, scopes', function () {
    const principal = principalFromClaims(
      {
        sub: 'f:1', preferred_username: 'alice', email: 'a@example.com', scope: 'openid  mcp:tools',
        realm_access: { roles: ['mcp-user', 42] },
        resource_access: { 'mcp-gateway': { roles: ['tool-runner'] }, account: { roles: ['manage-account'] } },
      },
      mapping,
      'keycloak-jwt',
    );
    expect(principal).to.deep.include({ sub: 'f:1', username: 'alice', email: 'a@example.com', authenticatedBy: 'keycloak-jwt' });
    expect(principal.roles).to.deep.equal(['mcp-user', 'tool-runner']);
    expect(principal.scopes).to.deep.equal(['openid', 'mcp:tools']);
    expect(principal.claims['preferred_username']).to.equal('alice');
  });

  it('falls back to sub for the username and reads array scopes (scp)', function () {
    const principal = principalFromClaims({ sub: 'svc', scp: ['a', 'b'] }, { ...mapping, scopes: 'scp' }, 'keycloak-jwt');
    expect(principal.username).to.equal('svc');
    expect(principal.scopes).to.deep.equal(['a', 'b']);
    expect(principal.roles).to.deep.equal([]);
  });

  it('builds the issuer from keycloakUrl and realm, and refuses both or neither', function () {
    const base = { audience: 'mcp-gateway', algorithms: ['RS256'], clockTolerance: 30, requiredScopes: [], claims: { ...mapping, clientRoles: undefined }, jwks: {}, resourceMetadata: {} };
    expect(resolveOptions({ ...base, keycloakUrl: 'http://kc:8080/', realm: 'mcp-gateway' } as never).issuer).to.equal('http://kc:8080/realms/mcp-gateway');
    expect(resolveOptions({ ...base, issuer: 'http://kc/realms/x' } as never).claims.clientRoles).to.deep.equal(['mcp-gateway']);
    expect(() => resolveOptions({ ...base, issuer: 'http://a', keycloakUrl: 'http://b', realm: 'r' } as never)).to.throw(/not both/);
    expect(() => resolveOptions({ ...base } as never)).to.throw(/missing "issuer"/);
  });

  it('rejects unsafe algorithms and a missing audience at start-up', async function () {
    const start = (options: Record<string, unknown>) =>
      createGateway({ servers: {}, logging: { level: 'error' }, plugins: [keycloakJwt(options as never)] }).then(() => 'ok', (error: Error) => error.message);
    expect(await start({ issuer: 'http://127.0.0.1:1', audience: 'x', algorithms: ['HS256'] })).to.include('plugins.keycloak-jwt.algorithms.0');
    expect(await start({ issuer: 'http://127.0.0.1:1', audience: 'x', algorithms: ['none'] })).to.include('algorithms.0');
    expect(await start({ issuer: 'http://127.0.0.1:1' })).to.include('missing required option "audience"');
    expect(named).to.equal(keycloakJwt);
  });

  it('reads only "Authorization: Bearer <token>"', function () {
    const request = (authorization?: string) => ({ requestId: 'r', channel: 'rest' as const, method: 'GET', path: '/', headers: authorization === undefined ? {} : { authorization } });
    expect(bearerToken(request('Bearer abc.def.ghi'))).to.equal('abc.def.ghi');
    expect(bearerToken(request('bearer   abc'))).to.equal('abc');
    expect(bearerToken(request('Basic dXNlcg=='))).to.equal(undefined);
    expect(bearerToken(request('Bearer a b'))).to.equal(undefined);
    expect(bearerToken(request())).to.equal(undefined);
  });
});
