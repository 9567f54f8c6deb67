/** Registers a remote (HTTP or SSE) server through the admin API; the gateway validates and audits it. */
import { useState, type FormEvent } from 'react';
import { useApp } from '../app-context';
import { ErrorMessage } from './States';

export function RegisterServerForm({ onRegistered }: { onRegistered(): void }) {
  const { api } = useApp();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const tags = text('tags').split(',').map((tag) => tag.trim()).filter(Boolean);
    const body = {
      name: text('name'),
      type: text('type'),
      url: text('url'),
      ...(text('description') ? { description: text('description') } : {}),
      ...(tags.length ? { tags } : {}),
      ...(text('timeout') ? { timeout: Number(text('timeout')) } : {}),
    };
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await api.send('POST', '/mcp/servers', body);
      setDone(body.name);
      form.reset();
      onRegistered();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="panel">
      <summary>Register a server</summary>
      <form onSubmit={(event) => void submit(event)} className="grid-form">
        <label>
          Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" title="letters, digits, dot, dash, underscore" />
        </label>
        <label>
          Transport
          <select name="type" defaultValue="streamable-http">
            <option value="streamable-http">Streamable HTTP</option>
            <option value="sse">SSE</option>
          </select>
        </label>
        <label className="wide">
          URL <input name="url" type="url" required placeholder="https://mcp.example.com/mcp" />
        </label>
        <label className="wide">
          Description <input name="description" />
        </label>
        <label>
          Tags <input name="tags" placeholder="logging, production" aria-describedby="tags-hint" />
          <span id="tags-hint" className="muted small">comma-separated</span>
        </label>
        <label>
          Timeout (seconds) <input name="timeout" type="number" min={1} max={3600} />
        </label>
        <div className="wide">
          <button type="submit" disabled={busy}>
            Register
          </button>
        </div>
      </form>
      {done && <p role="status">Registered {done}.</p>}
      {error !== undefined && <ErrorMessage error={error} action="register the server" />}
    </details>
  );
}
