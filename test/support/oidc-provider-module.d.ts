/** `oidc-provider` ships no type declarations; the tests use this small, loosely typed surface of it. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcContext {
    oidc: { params: Record<string, string | undefined>; client: { clientId: string } };
    body: unknown;
  }

  export interface StructuredToken {
    header?: Record<string, unknown>;
    payload: Record<string, unknown>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    readonly AccessToken: new (fields: Record<string, unknown>) => {
      resourceServer?: unknown;
      expiration: number;
      save(): Promise<string>;
    };
    readonly ResourceServer: new (identifier: string, info: Record<string, unknown>) => unknown;
    readonly Client: { find(id: string): Promise<unknown> };
    registerGrantType(name: string, handler: (ctx: OidcContext) => Promise<void>, params?: string[]): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): void;
  }

  export const errors: {
    InvalidGrant: new (description?: string) => Error;
  };

  export default Provider;
}
