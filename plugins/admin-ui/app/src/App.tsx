/** The page frame: header and navigation, the authentication banner, and the current page. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { createApi } from './api';
import { AppContext, type AppContextValue } from './app-context';
import type { Auth } from './auth';
import { ErrorMessage } from './components/States';
import { AuditPage } from './pages/AuditPage';
import { LoginPage } from './pages/LoginPage';
import { ServersPage } from './pages/ServersPage';
import { ToolsPage } from './pages/ToolsPage';
import { Link, usePath } from './router';
import type { UiConfig } from './types';

const PAGES = [
  { path: 'servers', label: 'Servers', admin: false },
  { path: 'tools', label: 'Tools', admin: false },
  { path: 'audit', label: 'Audit', admin: true },
] as const;

export function App({ config, auth, apiBase, callbackError }: { config: UiConfig; auth: Auth; apiBase: string; callbackError?: unknown }) {
  const session = useSyncExternalStore(auth.subscribe, auth.current);
  const path = usePath();
  const [expired, setExpired] = useState(false);
  const api = useMemo(() => createApi(apiBase, () => auth.current()?.accessToken, () => setExpired(true)), [apiBase, auth]);
  const gatewayAuth = useGatewayAuthentication(apiBase);

  useEffect(() => {
    if (session) setExpired(false);
  }, [session]);

  const page = PAGES.find((entry) => path === entry.path || path.startsWith(`${entry.path}/`)) ?? PAGES[0];
  const context: AppContextValue | undefined = session && { config, api, session, isAdmin: !session.authEnabled || session.roles.includes(config.admin_role) };
  useEffect(() => {
    document.title = `${page.label} · ${config.title}`;
  }, [page, config.title]);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">{config.title}</span>
        {context && (
          <nav aria-label="Pages">
            <ul>
              {PAGES.filter((entry) => !entry.admin || context.isAdmin).map((entry) => (
                <li key={entry.path}>
                  <Link to={entry.path} aria-current={entry === page ? 'page' : undefined}>
                    {entry.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="user">
          {session?.authEnabled && (
            <>
              <span>
                Signed in as <strong data-testid="username">{session.username}</strong>
                {context?.isAdmin && <span className="badge admin">admin</span>}
              </span>
              <button type="button" className="secondary" onClick={() => void auth.logout()}>
                Log out
              </button>
            </>
          )}
        </div>
      </header>
      {!config.auth_enabled && (
        <div className="banner warning" role="status">
          Authentication is off on this gateway: every request runs as the anonymous user. Do not expose it beyond this machine.
        </div>
      )}
      {!config.auth_enabled && gatewayAuth === true && (
        <div className="banner error" role="alert">
          The gateway requires a token, but this UI has no identity provider configured (admin-ui option <code>oidc</code>).
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {callbackError !== undefined && <ErrorMessage error={callbackError} action="finish signing in" />}
        {!context ? (
          <LoginPage onLogin={() => void auth.login(path === 'callback' ? '' : path)} reason={expired ? 'Your session has ended. Please log in again.' : undefined} />
        ) : (
          <AppContext.Provider value={context}>
            {expired && (
              <div className="banner error" role="alert">
                The gateway no longer accepts your session. <button type="button" onClick={() => void auth.login(path)}>Log in again</button>
              </div>
            )}
            {page.path === 'servers' ? <ServersPage /> : page.path === 'tools' ? <ToolsPage /> : <AuditPage />}
          </AppContext.Provider>
        )}
      </main>
    </>
  );
}

/** Whether the gateway itself requires authentication (public `GET /`), to catch a UI configured without login. */
function useGatewayAuthentication(apiBase: string): boolean | undefined {
  const [value, setValue] = useState<boolean>();
  useEffect(() => {
    fetch(`${apiBase}/`)
      .then((response) => response.json() as Promise<{ capabilities?: { authentication?: boolean } }>)
      .then((body) => setValue(body.capabilities?.authentication), () => setValue(undefined));
  }, [apiBase]);
  return value;
}
