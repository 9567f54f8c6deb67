/** `mcp-gateway token` against a real OpenID provider: the printed token is one the gateway accepts. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../core/dist/cli.js', import.meta.url));

describe('identity: mcp-gateway token', function () {
  let oidc: TestOidcProvider;

  before(async function () {
    oidc = await startOidcProvider();
  });

  after(async function () {
    await oidc?.stop();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI, 'token', '--issuer', oidc.issuer, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('prints a user token from the password grant (password from the environment)', async function () {
    const result = await cli(['-u', 'testuser', '--scope', 'openid mcp:tools'], { MCP_GATEWAY_PASSWORD: 'testpass' });
    expect(result.code, result.stderr).to.equal(0);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims).to.deep.include({ iss: oidc.issuer, aud: 'mcp-gateway', preferred_username: 'testuser' });
    expect(claims['realm_access']).to.deep.equal({ roles: ['mcp-user'] });
  });

  it('prints a service token from client credentials', async function () {
    const result = await cli(['--client-id', 'mcp-service', '--client-secret', 'service-secret', '--json']);
    expect(result.code, result.stderr).to.equal(0);
    const response = JSON.parse(result.stdout) as { access_token: string; token_type: string };
    expect(response.token_type).to.equal('Bearer');
    expect(decodeJwt(response.access_token)).to.deep.include({ sub: 'mcp-service', preferred_username: 'service-account-mcp-service' });
  });

  it('fails with the provider\'s reason and never echoes the password', async function () {
    const result = await cli(['-u', 'testuser', '-p', 'wrong-secret-value']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.include('invalid_grant');
    expect(result.stderr).to.not.include('wrong-secret-value');
    const missing = await cli([]);
    expect(missing.code, 'a wrong command line is exit 2').to.equal(2);
    expect(missing.stderr).to.include('--username');
    const nowhere = await run(process.execPath, [CLI, 'token', '-u', 'testuser'], { env: { PATH: process.env['PATH'] ?? '' }, timeout: 20_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(nowhere.code).to.equal(2);
    expect(nowhere.stderr).to.include('give --issuer (or OIDC_ISSUER)');
  });
});
