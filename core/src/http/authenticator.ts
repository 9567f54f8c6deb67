import type { AuditBus } from '../audit/audit-bus.js';
import { AuthenticationError, isGatewayError, type GatewayError } from '../errors.js';
import type { HookBus } from '../hook-bus.js';
import { anonymousPrincipal, type Principal } from '../principal.js';
import type { RequestInfo } from '../request-info.js';

/**
 * Runs the `authenticate` hook (first wins). With no authentication plugin configured the gateway is in
 * development mode and every caller is the anonymous principal; the gateway then binds to loopback only.
 * Every refusal is audited as `auth_failure`.
 */
export class Authenticator {
  constructor(
    private readonly hooks: HookBus,
    private readonly audit: AuditBus,
    private readonly anonymousRoles: string[],
  ) {}

  get enabled(): boolean {
    return this.hooks.has('authenticate');
  }

  async authenticate(request: RequestInfo): Promise<Principal> {
    if (!this.enabled) return anonymousPrincipal(this.anonymousRoles);
    try {
      const principal = await this.hooks.runFirst('authenticate', request);
      if (!principal) throw new AuthenticationError('authentication required: send "Authorization: Bearer <token>"');
      return principal;
    } catch (error) {
      this.recordFailure(request, error);
      throw error;
    }
  }

  private recordFailure(request: RequestInfo, error: unknown): void {
    const gatewayError: GatewayError | undefined = isGatewayError(error) ? error : undefined;
    this.audit.emit({
      event_type: 'auth_failure',
      outcome: gatewayError?.status === 503 ? 'error' : 'denied',
      error: gatewayError?.message ?? 'authentication failed',
      request_id: request.requestId,
      channel: request.channel,
      client: { address: request.clientAddress, user_agent: request.userAgent },
      ...(request.sessionId ? { session_id: request.sessionId } : {}),
      ...(request.traceId ? { trace_id: request.traceId } : {}),
      details: { method: request.method, path: request.path },
    });
  }
}
