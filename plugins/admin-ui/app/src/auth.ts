/**
 * Login with OpenID Connect: authorization code + PKCE (oidc-client-ts). Tokens stay in memory only (a reload
 * means a new login, which the identity provider's session usually makes instant); only the short-lived login
 * state (PKCE verifier, return path) crosses the redirect in sessionStorage. Tokens renew silently before expiry.
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { UiConfig } from './types';

export interface Session {
  /** False when the gateway runs with authentication off. */
  authEnabled: boolean;
  username: string;
  roles: string[];
  accessToken?: string;
}

export interface Auth {
  /** Finishes a login or silent renewal when the page is one of the callbacks; returns the path to show next. */
  handleCallback(path: string): Promise<string | undefined>;
  current(): Session | undefined;
  login(returnTo: string): Promise<void>;
  logout(): Promise<void>;
  /** Called whenever the session changes (login, renewal, expiry, logout). */
  subscribe(listener: () => void): () => void;
}

const ANONYMOUS: Session = { authEnabled: false, username: 'anonymous', roles: [] };

export function createAuth(config: UiConfig, baseUrl: string): Auth {
  if (!config.oidc) {
    return { handleCallback: async () => undefined, current: () => ANONYMOUS, login: async () => undefined, logout: async () => undefined, subscribe: () => () => undefined };
  }
  const manager = new UserManager({
    authority: config.oidc.authority,
    client_id: config.oidc.client_id,
    scope: config.oidc.scope,
    response_type: 'code',
    redirect_uri: `${baseUrl}callback`,
    silent_redirect_uri: `${baseUrl}silent-callback`,
    post_logout_redirect_uri: baseUrl,
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  let user: User | null = null;
  let session: Session | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  const setUser = (next: User | null) => {
    user = next;
    notify();
  };
  manager.events.addUserLoaded(setUser);
  manager.events.addUserUnloaded(() => setUser(null));
  manager.events.addAccessTokenExpired(() => setUser(null));
  manager.events.addSilentRenewError(() => notify());

  return {
    async handleCallback(path) {
      if (path === 'silent-callback') {
        await manager.signinSilentCallback();
        return undefined;
      }
      if (path !== 'callback') return undefined;
      const signedIn = await manager.signinRedirectCallback();
      setUser(signedIn);
      return typeof signedIn.state === 'string' ? signedIn.state : '';
    },
    current() {
      if (!user || user.expired) return undefined;
      // The same object while the user is unchanged: React compares snapshots by identity.
      if (session?.accessToken !== user.access_token) session = sessionOf(user);
      return session;
    },
    login: (returnTo) => manager.signinRedirect({ state: returnTo }),
    async logout() {
      const idToken = user?.id_token;
      await manager.removeUser();
      await manager.signoutRedirect(idToken ? { id_token_hint: idToken } : {});
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Name and roles read from the access token for display only; the gateway decides what the user may do. */
function sessionOf(user: User): Session {
  const claims = decodePayload(user.access_token);
  const realmRoles = (claims['realm_access'] as { roles?: unknown } | undefined)?.roles;
  const clientRoles = Object.values((claims['resource_access'] as Record<string, { roles?: unknown }> | undefined) ?? {}).flatMap((entry) => (Array.isArray(entry.roles) ? entry.roles : []));
  const roles = [...(Array.isArray(realmRoles) ? realmRoles : []), ...clientRoles, ...(Array.isArray(claims['roles']) ? claims['roles'] : [])].filter((role): role is string => typeof role === 'string');
  const username = [claims['preferred_username'], user.profile.preferred_username, claims['sub'], user.profile.sub].find((value): value is string => typeof value === 'string') ?? 'unknown';
  return { authEnabled: true, username, roles: [...new Set(roles)], accessToken: user.access_token };
}

function decodePayload(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}
