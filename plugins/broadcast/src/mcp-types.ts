/** The MCP shapes this plugin handles, as the core's public types carry them (no second copy of the SDK). */
import type { CatalogTool, TargetOutcome } from '@secure-mcp-gateway/core';

export type Tool = CatalogTool['tool'];
export type CallToolResult = Extract<TargetOutcome, { ok: true }>['result'];
