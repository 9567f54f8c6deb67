import { expect } from 'chai';
import { createGateway } from '@secure-mcp-gateway/core';
import envCredentials, { resolveFromEnv } from '@secure-mcp-gateway/plugin-env-credentials';

const reference = (name: string) => ({ raw: `env://${name}`, scheme: 'env', location: name });
const anyName = () => true;

describe('env-credentials plugin', function () {
  it('returns the value of the named variable', function () {
    expect(resolveFromEnv(reference('ELK_TOKEN'), anyName, { ELK_TOKEN: 'abc' })).to.deep.equal({ value: 'abc' });
  });

  it('refuses a missing or empty variable, an invalid name and a name outside the allow list, naming the variable', function () {
    expect(() => resolveFromEnv(reference('ELK_TOKEN'), anyName, {})).to.throw('environment variable ELK_TOKEN is not set');
    expect(() => resolveFromEnv(reference('ELK_TOKEN'), anyName, { ELK_TOKEN: '' })).to.throw('is not set');
    expect(() => resolveFromEnv(reference('ELK-TOKEN'), anyName, { 'ELK-TOKEN': 'x' })).to.throw('is not an environment variable name');
    const allowed = (name: string) => name === 'ELK_TOKEN' || name.startsWith('MCP_SECRET_');
    expect(resolveFromEnv(reference('MCP_SECRET_CRM'), allowed, { MCP_SECRET_CRM: 'y' }).value).to.equal('y');
    expect(() => resolveFromEnv(reference('DATABASE_URL'), allowed, { DATABASE_URL: 'postgres://x' })).to.throw('DATABASE_URL is not in the env-credentials allow list');
  });

  it('applies the allow list of its options, and a bad option stops start-up with its path', async function () {
    process.env['CRED_UNIT_OTHER'] = 'w';
    const server = { host: '127.0.0.1', port: 0 };
    try {
      const servers = { s: { url: 'http://127.0.0.1:9/mcp', auth: { method: 'bearer' as const, credential_ref: 'env://CRED_UNIT_OTHER' } } };
      const gateway = await createGateway({ server, servers, plugins: [envCredentials({ allow: ['CRED_UNIT_*'] })], logging: { level: 'error' } });
      await gateway.start().then(() => gateway.stop(), (error: Error) => expect.fail(`a name matching CRED_UNIT_* was refused: ${error.message}`));
      const outside = await createGateway({ server, servers: { s: { ...servers.s, auth: { ...servers.s.auth, credential_ref: 'env://HOME' } } }, plugins: [envCredentials({ allow: ['CRED_UNIT_*'] })], logging: { level: 'error' } });
      const error = await outside.start().then(() => undefined, (failure: Error) => failure);
      expect(error?.message).to.include('server "s"').and.include('HOME is not in the env-credentials allow list');
      const bad = await createGateway({ servers: {}, plugins: [envCredentials({ allow: 'ALL' as unknown as string[] })] }).then(() => undefined, (failure: Error) => failure);
      expect(bad?.message).to.match(/plugins\.env-credentials\.allow/);
    } finally {
      delete process.env['CRED_UNIT_OTHER'];
    }
  });
});
