/** The public API of @secure-mcp-gateway/core: what configs, programs and plugins may use. */
export { createGateway, GATEWAY_VERSION, type Gateway, type CreateGatewayOptions } from './gateway.js';
export { defineConfig, type GatewayConfig, type GatewayConfigInput, type PluginReference, type ServerConfigInput } from './config/gateway-config.js';
export { loadConfig, loadConfigFile, resolveConfig, CONFIG_SEARCH_PLACES } from './config/load-config.js';
export { readServersFile, normalizeServers, loadServersFile } from './config/servers.js';
export { readEnvConfig, gatewaySettingsFrom, issuerOf, type EnvConfig } from './config/env-config.js';
export { editServersFile, type ServersFileEdit, type ServerUpdate } from './config/servers-file-editor.js';
export type { ServersChange } from './backends/backend-registry.js';
export { validateAgainstSchema } from './config/schema-validator.js';
export { definePlugin, requestPrincipal } from './plugin.js';
export type {
  BackendView,
  GatewayFacts,
  GatewayPlugin,
  HealthReport,
  JsonSchema,
  PluginContext,
  PluginDefinition,
  PluginFactory,
  RouteOptions,
  ServiceRegistry,
} from './plugin.js';
export type * from './hooks.js';
export * from './errors.js';
export { anonymousPrincipal, type Principal } from './principal.js';
export type { Channel, RequestInfo } from './request-info.js';
export { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditEvent, type AuditEventType, type AuditOutcome } from './audit/audit-event.js';
export { auditEventSchema } from './audit/audit-event-schema.js';
export { SecretRedactor, redactCredentialsIn, redactUrlsIn } from './audit/secret-redactor.js';
export { nodeHttpFetch } from './backends/node-http-fetch.js';
export { MAX_BACKEND_MESSAGE_BYTES } from './backends/response-size-limit.js';
export type { BackendAuthConfig, ServerConfig, ServersConfig, ServerTransportType } from './backends/server-config.js';
export { NAME_SEPARATOR, qualifiedName, splitQualifiedName } from './catalog/names.js';
export { defineServiceToken, AuditStoreToken, AuthChallengeToken } from './tokens.js';
export type { AuditPage, AuditQuery, AuditStore, AuthChallenge, ServiceToken } from './tokens.js';
export type { Logger } from './logging/logger.js';
