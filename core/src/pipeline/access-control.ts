import type { AuditBus } from '../audit/audit-bus.js';
import type { AuditGate } from '../audit/audit-gate.js';
import { AccessDeniedError } from '../errors.js';
import type { AuthorizeDecision, AuthorizeInput } from '../hooks.js';
import type { HookBus } from '../hook-bus.js';

/** Refusals AccessControl has already recorded, so that the request path does not record them a second time. */
const recorded = new WeakSet<object>();

export function alreadyAudited(error: unknown): boolean {
  return typeof error === 'object' && error !== null && recorded.has(error);
}

/**
 * Runs the `authorize` series. With no opinion from any plugin, ordinary access is allowed (authentication already
 * happened) and `admin` is allowed only to the configured admin roles: refuse what no one vouched for.
 */
export class AccessControl {
  constructor(
    private readonly hooks: HookBus,
    private readonly audit: AuditBus,
    private readonly adminRoles: readonly string[],
    private readonly gate?: AuditGate,
  ) {}

  /** Rejects with ServiceUnavailableError (503) first when audit.failClosed refuses calls right now. */
  decide(input: AuthorizeInput): Promise<AuthorizeDecision> {
    const refusal = this.gate?.refusal();
    if (refusal) return Promise.reject(refusal);
    return this.hooks.runAuthorize(input, this.fallback(input));
  }

  /**
   * Throws AccessDeniedError (403) and records an `access_denied` event when the answer is no. A refusal by
   * audit.failClosed (503) is recorded the same way, with outcome `error`: the sinks may take it again by then.
   */
  async require(input: AuthorizeInput, parentId?: string): Promise<void> {
    const refusal = this.gate?.refusal();
    if (refusal) {
      this.record(input, 'error', refusal.message, parentId);
      recorded.add(refusal);
      throw refusal;
    }
    const decision = await this.hooks.runAuthorize(input, this.fallback(input));
    if (decision.allow) return;
    const reason = decision.reason ?? 'access denied';
    this.record(input, 'denied', reason, parentId);
    const denied = new AccessDeniedError(`${describeTarget(input)}: ${reason}`);
    recorded.add(denied);
    throw denied;
  }

  private record(input: AuthorizeInput, outcome: 'denied' | 'error', reason: string, parentId: string | undefined): void {
    const { principal, request, target } = input;
    this.audit.emit({
      event_type: 'access_denied',
      outcome,
      error: reason,
      principal: { sub: principal.sub, username: principal.username, roles: principal.roles },
      ...(request ? { request_id: request.requestId, channel: request.channel, session_id: request.sessionId, trace_id: request.traceId, client: { address: request.clientAddress, user_agent: request.userAgent } } : {}),
      ...(parentId ? { parent_id: parentId } : {}),
      ...target,
      details: { action: input.action },
    });
  }

  private fallback(input: AuthorizeInput): AuthorizeDecision {
    if (input.action !== 'admin') return { allow: true };
    return input.principal.roles.some((role) => this.adminRoles.includes(role))
      ? { allow: true }
      : { allow: false, reason: `requires one of the roles ${this.adminRoles.join(', ')}` };
  }
}

function describeTarget({ action, target }: AuthorizeInput): string {
  const item = target.tool ?? target.resource ?? target.prompt;
  const what = [target.server && `server "${target.server}"`, item && `"${item}"`].filter(Boolean).join(' ');
  return `${action}${what ? ` on ${what}` : ''} denied`;
}
