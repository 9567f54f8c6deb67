/** The Keycloak realm export: no Keycloak runs here, so its content is checked against what the gateway expects. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';

interface Mapper { protocolMapper: string; config: Record<string, string> }
interface RealmClient { clientId: string; publicClient: boolean; redirectUris?: string[]; directAccessGrantsEnabled?: boolean; serviceAccountsEnabled?: boolean; standardFlowEnabled?: boolean; attributes?: Record<string, string>; defaultClientScopes?: string[] }
interface RealmUser { username: string; realmRoles?: string[]; credentials?: Array<{ type: string; value: string; temporary: boolean }> }
interface Realm { realm: string; sslRequired: string; roles: { realm: Array<{ name: string }> }; clientScopes: Array<{ name: string; protocolMappers: Mapper[] }>; defaultDefaultClientScopes: string[]; clients: RealmClient[]; users: RealmUser[] }

describe('identity: keycloak realm export', function () {
  const realm = JSON.parse(readFileSync(new URL('../keycloak/mcp-gateway-realm.json', import.meta.url), 'utf8')) as Realm;
  const client = (id: string) => realm.clients.find((entry) => entry.clientId === id)!;
  const mapper = (mappers: Mapper[], type: string) => mappers.find((item) => item.protocolMapper === type);

  it('defines realm mcp-gateway with its roles and the mcp:tools scope', function () {
    expect(realm.realm).to.equal('mcp-gateway');
    expect(realm.sslRequired).to.not.equal('none');
    expect(realm.roles.realm.map((role) => role.name)).to.have.members(['mcp-user', 'mcp-admin']);
    expect(realm.clientScopes.map((scope) => scope.name)).to.include('mcp:tools');
  });

  it('has a public PKCE client for MCP clients with exact redirect URIs and direct grants', function () {
    const mcp = client('mcp-gateway-client');
    expect(mcp.publicClient).to.equal(true);
    expect(mcp.standardFlowEnabled).to.equal(true);
    expect(mcp.directAccessGrantsEnabled).to.equal(true);
    expect(mcp.attributes?.['pkce.code.challenge.method']).to.equal('S256');
    expect(mcp.redirectUris).to.include.members(['http://127.0.0.1/*', 'http://localhost/*', 'https://vscode.dev/redirect', 'https://claude.ai/api/mcp/auth_callback']);
    expect(mcp.redirectUris).to.not.include('*');
    expect(mcp.defaultClientScopes).to.include('mcp:tools');
  });

  it('puts the gateway audience, sub, realm roles and username into every token with mcp:tools, the default scope of every client', function () {
    const mappers = realm.clientScopes.find((scope) => scope.name === 'mcp:tools')!.protocolMappers;
    expect(mapper(mappers, 'oidc-audience-mapper')?.config).to.deep.include({ 'included.custom.audience': 'mcp-gateway', 'access.token.claim': 'true' });
    expect(mapper(mappers, 'oidc-sub-mapper')?.config['access.token.claim']).to.equal('true');
    expect(mapper(mappers, 'oidc-usermodel-realm-role-mapper')?.config).to.deep.include({ 'claim.name': 'realm_access.roles', multivalued: 'true' });
    expect(mappers.some((item) => item.config['claim.name'] === 'preferred_username')).to.equal(true);
    // Clients registered dynamically by MCP clients get the scope too, so their tokens name the gateway.
    expect(realm.defaultDefaultClientScopes).to.deep.equal(['mcp:tools']);
    for (const id of ['mcp-gateway-client', 'mcp-gateway-service']) expect(client(id).defaultClientScopes).to.include('mcp:tools');
    expect(client('mcp-gateway-service').serviceAccountsEnabled).to.equal(true);
  });

  it('has the test users with their roles and permanent passwords', function () {
    const user = (name: string) => realm.users.find((entry) => entry.username === name)!;
    expect(user('testuser').realmRoles).to.deep.equal(['mcp-user']);
    expect(user('testuser').credentials?.[0]).to.deep.include({ value: 'testpass', temporary: false });
    expect(user('admin').realmRoles).to.include('mcp-admin');
    expect(user('admin').credentials?.[0]?.value).to.equal('admin123');
  });
});
