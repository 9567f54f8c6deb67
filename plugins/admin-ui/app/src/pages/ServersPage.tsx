/** Every server the caller may use: status, transport, tags, tools; admins enable, disable, register and remove. */
import { useState } from 'react';
import { useApp } from '../app-context';
import { RegisterServerForm } from '../components/RegisterServerForm';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { useAsync } from '../use-async';
import type { ServerInfo } from '../types';

export function ServersPage() {
  const { api, isAdmin } = useApp();
  const servers = useAsync(() => api.get<{ servers: ServerInfo[] }>('/mcp/servers').then((body) => body.servers), []);
  const [actionError, setActionError] = useState<{ error: unknown; action: string }>();
  const [busy, setBusy] = useState<string>();

  const act = async (action: string, name: string, run: () => Promise<unknown>) => {
    setBusy(name);
    setActionError(undefined);
    try {
      await run();
      servers.reload();
    } catch (error) {
      setActionError({ error, action: `${action} ${name}` });
    } finally {
      setBusy(undefined);
    }
  };
  const setEnabled = (server: ServerInfo, enabled: boolean) =>
    act(enabled ? 'enable' : 'disable', server.name, () => api.send('PATCH', `/mcp/server/${encodeURIComponent(server.name)}`, { enabled }));
  const remove = (server: ServerInfo) => {
    if (window.confirm(`Remove server "${server.name}" from the gateway?`)) void act('remove', server.name, () => api.send('DELETE', `/mcp/server/${encodeURIComponent(server.name)}`));
  };

  return (
    <section aria-labelledby="servers-title">
      <div className="page-head">
        <h1 id="servers-title">Servers</h1>
        <button type="button" onClick={servers.reload} disabled={servers.loading}>
          Refresh
        </button>
      </div>
      {actionError && <ErrorMessage error={actionError.error} action={actionError.action} />}
      {servers.error ? (
        <ErrorMessage error={servers.error} action="load the servers" />
      ) : !servers.data ? (
        <Loading what="servers" />
      ) : servers.data.length === 0 ? (
        <Empty>No servers you may use are configured on this gateway.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">MCP servers behind the gateway</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Transport</th>
                <th scope="col">Tags</th>
                <th scope="col">Tools</th>
                <th scope="col">Description</th>
                {isAdmin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {servers.data.map((server) => (
                <tr key={server.name} data-server={server.name}>
                  <th scope="row">{server.name}</th>
                  <td>
                    <StatusBadge server={server} />
                    {server.last_error && <div className="last-error">{server.last_error}</div>}
                  </td>
                  <td>
                    {server.type}
                    {server.url && <div className="muted small">{server.url}</div>}
                  </td>
                  <td>{server.tags.length ? server.tags.map((tag) => <span className="tag" key={tag}>{tag}</span>) : <span className="muted">none</span>}</td>
                  <td className="num">{server.tool_count}</td>
                  <td>{server.description ?? <span className="muted">—</span>}</td>
                  {isAdmin && (
                    <td className="actions">
                      <button type="button" disabled={busy === server.name} onClick={() => void setEnabled(server, !server.enabled)} aria-label={`${server.enabled ? 'Disable' : 'Enable'} ${server.name}`}>
                        {server.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" className="danger" disabled={busy === server.name} onClick={() => remove(server)} aria-label={`Remove ${server.name}`}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isAdmin && <RegisterServerForm onRegistered={servers.reload} />}
    </section>
  );
}

function StatusBadge({ server }: { server: ServerInfo }) {
  const status = server.enabled ? server.status : 'disabled';
  return <span className={`badge status-${status}`}>{status}</span>;
}
