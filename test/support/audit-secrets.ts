import { definePlugin, type GatewayPlugin } from '@secure-mcp-gateway/core';

/** The credential `testCredentials` resolves for every `testvault://…` reference: no audit sink may ever hold it. */
export const TEST_CREDENTIAL = 'cred-e2e-7f3a9c1d5b42';

/** Values a caller puts under sensitive argument keys (the default redaction rules). */
export const ARGUMENT_SECRETS = { password: 'pw-e2e-1111', token: 'tok-e2e-2222', client_secret: 'sec-e2e-3333', api_key: 'key-e2e-4444' };

/** Resolves `testvault://…` to TEST_CREDENTIAL, as a secrets plugin would, so the gateway learns it as a secret. */
export function testCredentials(): GatewayPlugin {
  return definePlugin<object>({ name: 'test-credentials', setup: (context) => context.hooks.resolveCredential('testvault', () => ({ value: TEST_CREDENTIAL })) })();
}

/** The `auth` block of a backend that is sent TEST_CREDENTIAL as a bearer token. */
export const TEST_CREDENTIAL_AUTH = {
  method: 'bearer',
  location: 'header',
  name: 'Authorization',
  format: 'prefix',
  prefix: 'Bearer ',
  credential_ref: 'testvault://backend',
} as const;
