import type { GatewayPlugin } from '@secure-mcp-gateway/core';

/** A plugin package's default factory, or undefined while the package does not export one yet. */
export async function optionalPlugin(name: string): Promise<((options?: unknown) => GatewayPlugin) | undefined> {
  const module = (await import(name)) as { default?: unknown };
  return typeof module.default === 'function' ? (module.default as (options?: unknown) => GatewayPlugin) : undefined;
}
