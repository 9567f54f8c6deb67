import { expect } from 'chai';
import { parseVaultReference } from '../src/vault-reference.js';

const parse = (location: string) => parseVaultReference({ raw: `vault://${location}`, scheme: 'vault', location });

describe('vault-credentials: references', function () {
  it('splits mount, path and key, and accepts the API path with data/', function () {
    expect(parse('secret/elk#token')).to.deep.equal({ mount: 'secret', path: 'elk', key: 'token' });
    expect(parse('secret/data/mcp/crm#api_key')).to.deep.equal({ mount: 'secret', path: 'mcp/crm', key: 'api_key' });
    expect(parse('kv/data#password')).to.deep.equal({ mount: 'kv', path: 'data', key: 'password' });
  });

  it('refuses a reference without mount, path or key, or with dot segments', function () {
    for (const bad of ['secret#token', 'secret/elk', 'secret/elk#', 'secret/../sys/policy#x', '#token', 'secret/el k#token']) {
      expect(() => parse(bad), bad).to.throw('is not a Vault reference');
    }
  });
});
