/**
 * The shipped gateway, configured by environment variables (see .env.example and docs/CONFIGURATION.md): each
 * plugin is on when its variables are set. With nothing set: 127.0.0.1:8000, no authentication, ./mcp_servers.yaml.
 * To compose a gateway in code instead, see examples/custom-gateway/.
 */
import { defineConfig, gatewaySettingsFrom, issuerOf, readEnvConfig, type GatewayPlugin } from '@secure-mcp-gateway/core';
import adminUi from '@secure-mcp-gateway/plugin-admin-ui';
import apiKey, { type ApiKeyOptions } from '@secure-mcp-gateway/plugin-api-key';
import auditFile from '@secure-mcp-gateway/plugin-audit-file';
import auditOtel from '@secure-mcp-gateway/plugin-audit-otel';
import auditPostgres from '@secure-mcp-gateway/plugin-audit-postgres';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import fileCredentials from '@secure-mcp-gateway/plugin-file-credentials';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import rbac, { type RbacOptions } from '@secure-mcp-gateway/plugin-rbac';
import vaultCredentials from '@secure-mcp-gateway/plugin-vault-credentials';

const env = readEnvConfig();

const plugins: GatewayPlugin<any>[] = [
  // api-key first: it takes only `mgw_…` keys (also as "Authorization: Bearer mgw_…") and leaves JWTs to keycloak-jwt.
  ...(env.apiKeys ? [apiKey({ keys: env.apiKeys as ApiKeyOptions['keys'] })] : []),
  ...(env.jwt ? [keycloakJwt(env.jwt)] : []),
  ...(env.rbac ? [rbac(env.rbac as RbacOptions)] : []),
  // Backend secrets: env:// and file:// always (they read only what the servers file names), vault:// with VAULT_ADDR.
  envCredentials(),
  fileCredentials(),
  ...(env.vault ? [vaultCredentials(env.vault)] : []),
  ...(env.broadcast ? [broadcast()] : []),
  ...(env.auditFile || env.auditToStdout ? [auditFile({ ...(env.auditFile ? { file: env.auditFile } : {}), stdout: env.auditToStdout })] : []),
  ...(env.databaseUrl ? [auditPostgres({ connectionString: env.databaseUrl, ...(env.auditSpoolFile ? { spoolFile: env.auditSpoolFile } : {}) })] : []),
  ...(env.otel ? [auditOtel(env.otel)] : []),
  ...(env.adminUi ? [adminUi(env.jwt ? { oidc: { authority: issuerOf(env.jwt) } } : {})] : []),
];

export default defineConfig({ ...gatewaySettingsFrom(env), plugins });
