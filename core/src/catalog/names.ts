/** Separates server and item in aggregated names: `<server>__<tool>`. Server names cannot contain it. */
export const NAME_SEPARATOR = '__';

export function qualifiedName(server: string, name: string): string {
  return `${server}${NAME_SEPARATOR}${name}`;
}

/**
 * Splits `<server>__<rest>` against the known server names (not on the first `__`, so tool names may contain
 * `__`). Server names never contain `__`, so at most one prefix can match.
 */
export function splitQualifiedName(name: string, isServer: (server: string) => boolean): { server: string; name: string } | undefined {
  const at = name.indexOf(NAME_SEPARATOR);
  if (at <= 0) return undefined;
  const server = name.slice(0, at);
  const rest = name.slice(at + NAME_SEPARATOR.length);
  return isServer(server) && rest.length > 0 ? { server, name: rest } : undefined;
}
