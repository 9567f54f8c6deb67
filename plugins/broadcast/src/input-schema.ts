/**
 * The input schema of `broadcast__<tool>`. Every target receives the same arguments, so when the servers' schemas
 * agree the broadcast simply has that schema. When they differ it gets their union — every property any server
 * accepts (alternatives as `anyOf`), required when any server requires it — and a note saying so; each server still
 * checks the arguments against its own schema, and one that refuses them fails alone.
 */
import type { Tool } from './mcp-types.js';

type InputSchema = Tool['inputSchema'];
type PropertySchema = Record<string, unknown>;

export interface ServerSchema {
  server: string;
  schema: InputSchema;
}

export interface ReconciledSchema {
  schema: InputSchema;
  /** Set when the servers' schemas differ: how they were reconciled, for the tool's description. */
  note?: string;
}

export function reconcileInputSchemas(schemas: readonly ServerSchema[]): ReconciledSchema {
  const distinct = new Map<string, string[]>();
  for (const { server, schema } of schemas) {
    const key = canonical(schema);
    distinct.set(key, [...(distinct.get(key) ?? []), server]);
  }
  if (distinct.size <= 1) return { schema: schemas[0]?.schema ?? { type: 'object' } };
  const variants = [...distinct.values()].map((servers) => servers.join(', ')).join(' | ');
  return {
    schema: unionOf(schemas.map((entry) => entry.schema)),
    note:
      `The servers' input schemas differ (${variants}); this schema is their union: every property any server accepts, ` +
      'required when any server requires it. Each server checks the arguments against its own schema, and one that refuses them fails alone.',
  };
}

function unionOf(schemas: readonly InputSchema[]): InputSchema {
  const properties = new Map<string, Map<string, PropertySchema>>();
  const required = new Set<string>();
  for (const schema of schemas) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const variants = properties.get(name) ?? new Map<string, PropertySchema>();
      variants.set(canonical(property), property as PropertySchema);
      properties.set(name, variants);
    }
    for (const name of schema.required ?? []) required.add(name);
  }
  const merged: Record<string, PropertySchema> = {};
  for (const [name, variants] of [...properties].sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...variants.values()];
    merged[name] = list.length === 1 ? list[0]! : { anyOf: list };
  }
  return { type: 'object', properties: merged, ...(required.size ? { required: [...required].sort() } : {}) };
}

/** JSON with sorted keys, so two schemas that differ only in key order count as the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
