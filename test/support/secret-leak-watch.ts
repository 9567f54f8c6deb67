/**
 * Collects everything a credential test could leak a secret through: every line the process writes to stderr
 * (where the gateway logs), every audit event, and any response body or error message a test hands it. At the
 * end, `leaksOf` names the secrets that appear anywhere, in plain text or base64.
 */
import { createHash } from 'node:crypto';
import type { GatewayConfigInput } from '@secure-mcp-gateway/core';
import { auditCollector, type AuditCollector } from './audit-collector.js';
import { startGateway, type RunningGateway } from './gateway.js';

export interface SecretLeakWatch {
  /** An audit sink that keeps every event (`startGateway` adds it). */
  audit: AuditCollector;
  /** Starts a gateway whose every debug log line and audit event this watch captures. */
  startGateway(config: GatewayConfigInput): Promise<RunningGateway>;
  /** Registers a secret the captured text must not contain. */
  secret<T extends string>(value: T): T;
  /** Adds text that reached a caller (a response body, an error message). */
  record(text: unknown): void;
  /** Stops capturing stderr. */
  stop(): void;
  /** The secrets found, each with where it was found; empty when nothing leaked. */
  leaksOf(): string[];
  /** How much was captured, so a test can show the check had something to look at. */
  counts(): { logLines: number; auditEvents: number; recorded: number };
}

/**
 * Call inside a `describe`: capturing starts before its first test. Call `stop()` last in its `after` hook, once the
 * gateways are stopped, so that their shutdown is captured too.
 */
export function watchForSecretLeaks(): SecretLeakWatch {
  const secrets = new Set<string>();
  const logLines: string[] = [];
  const recorded: string[] = [];
  const audit = auditCollector('leak-watch-audit');
  const echo = Boolean(process.env['LOG_LEVEL']);
  let originalWrite: typeof process.stderr.write | undefined;
  const stop = () => {
    if (originalWrite) process.stderr.write = originalWrite;
    originalWrite = undefined;
  };
  before(function () {
    const write = (originalWrite = process.stderr.write);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logLines.push(...String(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()).split('\n').filter(Boolean));
      return echo ? (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest) : true;
    }) as typeof process.stderr.write;
  });
  return {
    audit,
    startGateway: (config) => startGateway({ ...config, plugins: [...(config.plugins ?? []), audit.plugin], logging: { level: 'debug' } }),
    secret(value) {
      secrets.add(value);
      return value;
    },
    record(text) {
      recorded.push(typeof text === 'string' ? text : JSON.stringify(text));
    },
    stop,
    leaksOf() {
      const places: Array<[string, string[]]> = [
        ['log', logLines],
        ['audit', audit.events.map((event) => JSON.stringify(event))],
        ['response or error', recorded],
      ];
      const found: string[] = [];
      for (const secret of secrets) {
        const forms = [secret, Buffer.from(secret).toString('base64')];
        for (const [place, texts] of places) {
          if (texts.some((text) => forms.some((form) => text.includes(form)))) found.push(`a test secret appears in a ${place} line`);
        }
      }
      return found;
    },
    counts: () => ({ logLines: logLines.length, auditEvents: audit.events.length, recorded: recorded.length }),
  };
}

/**
 * A stand-in for secrets in assertions: strings become `sha256:<12 hex>` (deeply), so that a failing comparison
 * shows which values differ without printing a secret in the test output.
 */
export function masked(value: unknown): unknown {
  if (typeof value === 'string') return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, masked(item)]));
  return value;
}
