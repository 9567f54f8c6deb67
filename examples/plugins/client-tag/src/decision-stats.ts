/**
 * Counts of this plugin's decisions per client, shared with other plugins through a service token (the only way
 * plugins reach each other: never by importing each other's files) and shown on GET /client-tag/stats.
 */
import { defineServiceToken } from '@secure-mcp-gateway/core';

export interface ClientCounts {
  /** Decisions left to other policies (the client may use the server). */
  passed: number;
  denied: number;
}

export interface ClientTagStats {
  /** Counts per client name; requests without the header are under `(untagged)`, unreadable names under `(invalid)`. */
  snapshot(): Record<string, ClientCounts>;
}

/** Another plugin gets the counts with `context.services.get(ClientTagStatsToken)`. */
export const ClientTagStatsToken = defineServiceToken<ClientTagStats>('client-tag.stats');

export class DecisionCounter implements ClientTagStats {
  private readonly counts = new Map<string, ClientCounts>();

  record(client: string | null | undefined, passed: boolean): void {
    const key = client === undefined ? '(untagged)' : client === null ? '(invalid)' : client;
    const counts = this.counts.get(key) ?? { passed: 0, denied: 0 };
    if (passed) counts.passed++;
    else counts.denied++;
    this.counts.set(key, counts);
  }

  snapshot(): Record<string, ClientCounts> {
    return Object.fromEntries([...this.counts].map(([client, counts]) => [client, { ...counts }]));
  }

  /** One log line, e.g. `ci: 12 passed, 3 denied; notebook: 40 passed, 0 denied`. */
  summary(): string {
    const parts = [...this.counts].map(([client, { passed, denied }]) => `${client}: ${passed} passed, ${denied} denied`);
    return parts.length ? parts.join('; ') : 'no decisions yet';
  }
}
