/** Start-up: read config.json, finish a login redirect if this is one, then render the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createAuth } from './auth';
import { baseUrl, currentPath, navigate } from './router';
import type { UiConfig } from './types';
import './styles.css';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  let config: UiConfig;
  try {
    const response = await fetch(`${baseUrl}config.json`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json answered ${response.status}`);
    config = (await response.json()) as UiConfig;
  } catch (error) {
    root.render(
      <p role="alert" className="error">
        The UI cannot load its configuration: {error instanceof Error ? error.message : String(error)}
      </p>,
    );
    return;
  }
  const auth = createAuth(config, baseUrl);
  const path = currentPath();
  if (path === 'silent-callback') {
    await auth.handleCallback(path).catch(() => undefined);
    return;
  }
  let callbackError: unknown;
  if (path === 'callback') {
    try {
      navigate((await auth.handleCallback(path)) || 'servers', { replace: true });
    } catch (error) {
      callbackError = error;
      navigate('', { replace: true });
    }
  }
  const apiBase = config.gateway_url ?? window.location.origin;
  root.render(
    <StrictMode>
      <App config={config} auth={auth} apiBase={apiBase} callbackError={callbackError} />
    </StrictMode>,
  );
}

void start();
