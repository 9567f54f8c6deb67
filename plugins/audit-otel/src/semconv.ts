/**
 * OpenTelemetry semantic-convention names used here. The MCP and GenAI conventions are still "development" status,
 * so, as OpenTelemetry recommends for incubating names, they are copied rather than imported.
 */
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_CLIENT_ADDRESS = 'client.address';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
export const ATTR_USER_ID = 'user.id';
export const ATTR_USER_ROLES = 'user.roles';
export const GEN_AI_OPERATION_EXECUTE_TOOL = 'execute_tool';
export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration';

/** The gateway's own attributes, for what no convention names. */
export const ATTR_GATEWAY_SERVER = 'mcp_gateway.server';
export const ATTR_GATEWAY_EVENT_TYPE = 'mcp_gateway.event_type';
export const ATTR_GATEWAY_OUTCOME = 'mcp_gateway.outcome';
export const ATTR_GATEWAY_CHANNEL = 'mcp_gateway.channel';
export const ATTR_GATEWAY_REQUEST_ID = 'mcp_gateway.request_id';
export const ATTR_GATEWAY_EVENT_ID = 'mcp_gateway.audit_event_id';
export const ATTR_GATEWAY_RESULT_SIZE = 'mcp_gateway.result_size';
