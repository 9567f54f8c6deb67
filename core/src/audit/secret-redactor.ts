const REDACTED = '[REDACTED]';
/** Values shorter than this are not scrubbed from free text: they would match everywhere and protect nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * Knows every secret the gateway has resolved and every argument key that is sensitive, and removes them from
 * values before they reach a log line, an error message or an audit event.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;
  private readonly keyMatchers: string[];

  constructor(sensitiveKeys: readonly string[]) {
    this.keyMatchers = sensitiveKeys.map((key) => normalizeKey(key));
  }

  /** Registers a resolved secret so that it is scrubbed from now on (also its base64 form, used by basic auth). */
  addSecret(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.secrets.add(Buffer.from(value).toString('base64'));
    this.pattern = new RegExp([...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  }

  /** Whether any secret is registered; without one, free text has nothing to scrub. */
  get knowsSecrets(): boolean {
    return this.pattern !== undefined;
  }

  isSensitiveKey(key: string): boolean {
    const normalized = normalizeKey(key);
    return this.keyMatchers.some((matcher) => normalized.includes(matcher));
  }

  scrubString(text: string): string {
    return this.pattern ? text.replace(this.pattern, REDACTED) : text;
  }

  /** Deep copy of `value` with sensitive keys and known secrets replaced. Non-plain objects are left as they are. */
  scrubValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrubString(value);
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) return value.map((item) => this.scrubValue(item, depth + 1));
    if (value instanceof Error) return this.scrubString(value.message);
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = this.isSensitiveKey(key) ? REDACTED : this.scrubValue(item, depth + 1);
    }
    return copy;
  }
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A URL as it may be shown: userinfo and every query value replaced, since operators put credentials in both
 * (`https://user:pass@host/mcp?api_key=…`). Anything that is not a URL is returned unchanged.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const userinfo = url.username || url.password ? `${REDACTED}@` : '';
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=${REDACTED}`).join('&');
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query ? `?${query}` : ''}${url.hash}`;
}

/** `text` with every URL in it redacted as `redactUrl` does (error messages of HTTP libraries quote whole URLs). */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi, (url) => redactUrl(url));
}

/**
 * `password=…`, `api_key=…` in free text (a library's error, a connection string's options). Only `=`: a colon
 * follows words in ordinary prose ("invalid token: expired"), which must stay readable.
 */
const SENSITIVE_ASSIGNMENT = /\b([\w-]*(?:password|passwd|secret|token|api[_-]?key)[\w-]*)(\s*=\s*)("[^"]*"|'[^']*'|[^\s,;&)"']+)/gi;

/**
 * Free text as it may be logged or audited: URLs redacted as `redactUrlsIn` does, and values assigned to
 * sensitive-looking names — what a library's or a plugin's error may quote that the gateway never resolved itself.
 * Tool results are not passed through this (it would change what a backend answered).
 */
export function redactCredentialsIn(text: string): string {
  return redactUrlsIn(text).replace(SENSITIVE_ASSIGNMENT, `$1$2${REDACTED}`);
}
