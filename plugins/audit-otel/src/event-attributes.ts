import type { Attributes } from '@opentelemetry/api';
import type { AuditEvent, AuditEventType } from '@secure-mcp-gateway/core';
import * as sc from './semconv.js';

/** The MCP method each request-like event stands for; events without one get no span (they are not requests). */
const METHODS: Partial<Record<AuditEventType, string>> = {
  tool_call: 'tools/call',
  broadcast: 'tools/call',
  tools_list: 'tools/list',
  resource_read: 'resources/read',
  resources_list: 'resources/list',
  prompt_get: 'prompts/get',
  prompts_list: 'prompts/list',
  completion: 'completion/complete',
  session_start: 'initialize',
};

/** Events that describe a request the gateway answered (auth and access refusals included), so they get spans. */
export function isRequestEvent(event: AuditEvent): boolean {
  return event.event_type in METHODS || event.event_type === 'auth_failure' || event.event_type === 'access_denied' || event.event_type === 'config_change';
}

export function methodOf(event: AuditEvent): string | undefined {
  return METHODS[event.event_type];
}

/** `tools/call echo__echo`, as the MCP conventions name spans: method and target. */
export function spanName(event: AuditEvent): string {
  const method = methodOf(event) ?? event.event_type;
  const target = event.tool ?? event.prompt ?? event.resource;
  return target ? `${method} ${event.server && event.event_type !== 'broadcast' ? `${event.server}__` : ''}${target}` : method;
}

/** What a span and a metric point may carry: names, ids and outcomes — never arguments, results or error details beyond the redacted message. */
export function eventAttributes(event: AuditEvent, recordUser: boolean): Attributes {
  const method = methodOf(event);
  const attributes: Attributes = {
    [sc.ATTR_GATEWAY_EVENT_TYPE]: event.event_type,
    [sc.ATTR_GATEWAY_OUTCOME]: event.outcome,
    [sc.ATTR_GATEWAY_EVENT_ID]: event.id,
  };
  const set = (key: string, value: string | number | string[] | undefined) => {
    if (value !== undefined) attributes[key] = value;
  };
  set(sc.ATTR_MCP_METHOD_NAME, method);
  set(sc.ATTR_MCP_SESSION_ID, event.session_id);
  set(sc.ATTR_GATEWAY_SERVER, event.server);
  set(sc.ATTR_GATEWAY_CHANNEL, event.channel);
  set(sc.ATTR_GATEWAY_REQUEST_ID, event.request_id);
  set(sc.ATTR_GATEWAY_RESULT_SIZE, event.result_size);
  if (method === 'tools/call') set(sc.ATTR_GEN_AI_OPERATION_NAME, sc.GEN_AI_OPERATION_EXECUTE_TOOL);
  set(sc.ATTR_GEN_AI_TOOL_NAME, event.tool);
  set(sc.ATTR_GEN_AI_PROMPT_NAME, event.prompt);
  set(sc.ATTR_MCP_RESOURCE_URI, event.resource);
  set(sc.ATTR_CLIENT_ADDRESS, event.client?.address);
  set(sc.ATTR_USER_AGENT_ORIGINAL, event.client?.user_agent);
  if (recordUser && event.principal) {
    set(sc.ATTR_USER_ID, event.principal.sub);
    set(sc.ATTR_USER_ROLES, event.principal.roles);
  }
  if (event.outcome !== 'success') set(sc.ATTR_ERROR_TYPE, errorType(event));
  return attributes;
}

/** A low-cardinality class of failure, as `error.type` asks for. */
export function errorType(event: AuditEvent): string {
  if (event.event_type === 'auth_failure' || event.event_type === 'access_denied') return event.event_type;
  return event.outcome === 'denied' ? 'denied' : 'error';
}
