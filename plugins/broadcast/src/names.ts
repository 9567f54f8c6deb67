/** The generated names: `broadcast__<tool>` and `broadcast__by_tag__<tag>`, tags normalised to `[a-z0-9_]`. */
import { NAME_SEPARATOR } from '@secure-mcp-gateway/core';

export const BROADCAST_PREFIX = `broadcast${NAME_SEPARATOR}`;
export const TAG_PREFIX = `${BROADCAST_PREFIX}by_tag${NAME_SEPARATOR}`;

/** `elk-cluster` → `elk_cluster`, `Prod.EU` → `prod_eu`: tool names stay portable across MCP clients. */
export function normaliseTag(tag: string): string {
  return tag.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export function toolBroadcastName(tool: string): string {
  return `${BROADCAST_PREFIX}${tool}`;
}

export function tagBroadcastName(tag: string): string {
  return `${TAG_PREFIX}${normaliseTag(tag)}`;
}

export type BroadcastName = { kind: 'tool'; tool: string } | { kind: 'tag'; tag: string };

/** Which broadcast a name asks for, or undefined when it is not a broadcast name. */
export function parseBroadcastName(name: string): BroadcastName | undefined {
  if (name.startsWith(TAG_PREFIX) && name.length > TAG_PREFIX.length) return { kind: 'tag', tag: name.slice(TAG_PREFIX.length) };
  if (name.startsWith(BROADCAST_PREFIX) && name.length > BROADCAST_PREFIX.length) return { kind: 'tool', tool: name.slice(BROADCAST_PREFIX.length) };
  return undefined;
}

/** A shared tool named `by_tag__x` would collide with the tag broadcast of `x`; tag broadcasts keep the name. */
export function collidesWithTagBroadcasts(tool: string): boolean {
  return toolBroadcastName(tool).startsWith(TAG_PREFIX);
}
