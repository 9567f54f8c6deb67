/** Development mode (no authentication plugin): anonymous callers, loopback only unless told twice. */
import { expect } from 'chai';
import { createGateway } from '@secure-mcp-gateway/core';
import { httpJson } from './support/client.js';
import { startGateway } from './support/gateway.js';

const ENV = 'MCP_GATEWAY_ALLOW_UNAUTHENTICATED_REMOTE';

describe('identity: development mode without authentication', function () {
  afterEach(function () {
    delete process.env[ENV];
  });

  async function startError(allow: boolean | undefined, env: string | undefined): Promise<string> {
    if (env === undefined) delete process.env[ENV];
    else process.env[ENV] = env;
    const gateway = await createGateway({ server: { host: '0.0.0.0', port: 0, ...(allow === undefined ? {} : { allowUnauthenticatedRemote: allow }) }, servers: {}, logging: { level: 'error' } });
    try {
      await gateway.start();
      return 'started';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await gateway.stop();
    }
  }

  it('refuses a non-loopback bind by default, with only the option, and with only the environment variable', async function () {
    for (const [allow, env] of [[undefined, undefined], [true, undefined], [undefined, 'true'], [false, 'true'], [true, '1']] as const) {
      const message = await startError(allow, env);
      expect(message, `option=${allow} env=${env}`).to.include('only binds to loopback');
      expect(message).to.include('allowUnauthenticatedRemote').and.include(ENV);
    }
  });

  it('serves anonymous callers with the configured roles on loopback', async function () {
    const gateway = await startGateway({ servers: {}, access: { anonymousRoles: ['mcp-admin'] } });
    try {
      const info = await httpJson(`${gateway.url}/`);
      expect(info.body.capabilities.authentication).to.equal(false);
      const config = await httpJson(`${gateway.url}/config`); // admin route: allowed by the anonymous mcp-admin role
      expect(config.status).to.equal(200);
      expect(config.body.auth_enabled).to.equal(false);
    } finally {
      await gateway.stop();
    }
    const restricted = await startGateway({ servers: {}, access: { anonymousRoles: ['mcp-user'] } });
    try {
      expect((await httpJson(`${restricted.url}/config`)).status).to.equal(403);
    } finally {
      await restricted.stop();
    }
  });
});
