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

/** The MCP specification's longest tool name. */
const MAX_NAME_LENGTH = 128;
/** Control and invisible formatting characters (line breaks, NUL, bidi overrides, zero-width): they forge log lines and disguise names. */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Why a backend's tool or prompt name cannot be offered to clients, or undefined when it can. */
export function unusableName(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return `its length is not 1 to ${MAX_NAME_LENGTH} characters`;
  if (HIDDEN_CHARACTERS.test(name)) return 'it contains control or invisible characters';
  return undefined;
}
