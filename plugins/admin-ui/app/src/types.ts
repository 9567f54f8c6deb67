/** The gateway's REST shapes, as the app reads them. */

export interface UiConfig {
  title: string;
  base_path: string;
  gateway_url: string | null;
  auth_enabled: boolean;
  oidc: { authority: string; client_id: string; scope: string } | null;
  admin_role: string;
  audit_poll_seconds: number;
}

export interface ServerInfo {
  name: string;
  url: string | null;
  type: string;
  enabled: boolean;
  description: string | null;
  tags: string[];
  timeout: number;
  status: string;
  last_error: string | null;
  tool_count: number;
  auth: { method: string; location?: string; name?: string; format?: string } | null;
}

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: JsonSchema;
}

/** A catalog entry: the aggregated name plus where it runs. */
export interface CatalogTool extends ToolInfo {
  /** `server__tool` or `broadcast__…`. */
  qualifiedName: string;
  /** The backend's own tool name (single-server tools). */
  toolName: string;
  server: string | null;
  broadcast: boolean;
  tags: string[];
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'image'; data: string; mimeType: string }
  | { type: 'audio'; data: string; mimeType: string }
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; blob?: string } }
  | { type: 'resource_link'; uri: string; name?: string; description?: string; mimeType?: string }
  | { type: string; [key: string]: unknown };

export interface CallToolResult {
  content?: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface BroadcastOutcome {
  tool_name?: string;
  total_servers?: number;
  successful?: number;
  failed?: number;
  execution_time_ms?: number;
  results: Record<string, unknown>;
  errors: Record<string, string>;
}

export type AuditOutcome = 'success' | 'error' | 'denied';

export interface AuditEvent {
  id: string;
  timestamp: string;
  event_type: string;
  request_id?: string;
  trace_id?: string;
  parent_id?: string;
  principal?: { sub: string; username: string; roles: string[] };
  client?: { address?: string; user_agent?: string };
  session_id?: string;
  channel?: string;
  server?: string;
  tool?: string;
  resource?: string;
  prompt?: string;
  arguments?: unknown;
  outcome: AuditOutcome;
  error?: string;
  duration_ms?: number;
  result_size?: number;
  details?: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEvent[];
  next_cursor?: string | null;
  nextCursor?: string | null;
}
