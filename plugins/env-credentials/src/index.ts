/**
 * env-credentials: resolves `env://VAR` backend credential references from the gateway's environment. The value
 * is read when a backend connection opens; a missing or empty variable is a configuration error naming it.
 */
import { ConfigError, definePlugin, type CredentialReference, type ResolvedCredential } from '@secure-mcp-gateway/core';
import { optionsSchema, type EnvCredentialsOptions } from './options.js';

export type { EnvCredentialsOptions } from './options.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const envCredentials = definePlugin<EnvCredentialsOptions>({
  name: 'env-credentials',
  optionsSchema,
  setup(context) {
    const allowed = allowList(context.options.allow);
    context.hooks.resolveCredential('env', (reference) => resolveFromEnv(reference, allowed, process.env));
  },
});

export default envCredentials;

export function resolveFromEnv(reference: CredentialReference, allowed: (name: string) => boolean, env: NodeJS.ProcessEnv): ResolvedCredential {
  const name = reference.location;
  if (!VARIABLE_NAME.test(name)) throw new ConfigError(`"${name}" is not an environment variable name (env://NAME)`);
  if (!allowed(name)) throw new ConfigError(`environment variable ${name} is not in the env-credentials allow list`);
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return { value };
}

function allowList(entries: readonly string[] | undefined): (name: string) => boolean {
  if (!entries) return () => true;
  return (name) => entries.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));
}
