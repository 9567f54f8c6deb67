/** The catalog the caller may use: search and filter, a tool's schema, an invoke form and its result. */
import { useMemo, useState } from 'react';
import { useApp } from '../app-context';
import { loadCatalog, normaliseTag } from '../catalog';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { ToolDetail } from '../components/ToolDetail';
import { useAsync } from '../use-async';
import type { CatalogTool } from '../types';

const BROADCAST_FILTER = '*broadcast';

export function ToolsPage() {
  const { api } = useApp();
  const catalog = useAsync(() => loadCatalog(api), []);
  const [query, setQuery] = useState('');
  const [server, setServer] = useState('');
  const [tag, setTag] = useState('');
  const [selected, setSelected] = useState<string>();

  const tags = useMemo(() => [...new Set((catalog.data?.servers ?? []).flatMap((entry) => entry.tags))].sort(), [catalog.data]);
  const visible = useMemo(() => (catalog.data ? catalog.data.tools.filter((tool) => matches(tool, query, server, tag)) : []), [catalog.data, query, server, tag]);
  const current = catalog.data?.tools.find((tool) => tool.qualifiedName === selected);

  return (
    <section aria-labelledby="tools-title">
      <div className="page-head">
        <h1 id="tools-title">Tools</h1>
        <button type="button" onClick={catalog.reload} disabled={catalog.loading}>
          Refresh
        </button>
      </div>
      {catalog.error ? (
        <ErrorMessage error={catalog.error} action="load the tools" />
      ) : !catalog.data ? (
        <Loading what="tools" />
      ) : (
        <>
          <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
            <label>
              Search <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} placeholder="name or description" />
            </label>
            <label>
              Server
              <select value={server} onChange={(event) => setServer(event.target.value)}>
                <option value="">All servers</option>
                {catalog.data.aggregated && <option value={BROADCAST_FILTER}>Broadcast tools</option>}
                {catalog.data.servers.map((entry) => (
                  <option key={entry.name} value={entry.name}>
                    {entry.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Tag
              <select value={tag} onChange={(event) => setTag(event.target.value)}>
                <option value="">All tags</option>
                {tags.map((entry) => (
                  <option key={entry} value={entry}>
                    {entry}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted" role="status">
              {visible.length} of {catalog.data.tools.length} tools
            </span>
          </form>
          {!catalog.data.aggregated && <p className="note">This gateway has no aggregated catalog (broadcast plugin off): showing each server's own tools.</p>}
          {catalog.data.tools.length === 0 ? (
            <Empty>No tools you may call are available right now. Check the Servers page for servers that are down.</Empty>
          ) : (
            <div className="split">
              <nav aria-label="Tool list" className="tool-list">
                {visible.length === 0 ? (
                  <Empty>No tool matches these filters.</Empty>
                ) : (
                  <ul>
                    {visible.map((tool) => (
                      <li key={tool.qualifiedName}>
                        <button type="button" className={tool.qualifiedName === selected ? 'tool-button selected' : 'tool-button'} aria-current={tool.qualifiedName === selected} onClick={() => setSelected(tool.qualifiedName)}>
                          <span className="tool-name">{tool.qualifiedName}</span>
                          {tool.broadcast && <span className="badge broadcast">broadcast</span>}
                          {tool.description && <span className="muted small clamp">{tool.description}</span>}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </nav>
              <div className="tool-detail">{current ? <ToolDetail key={current.qualifiedName} tool={current} /> : <Empty>Choose a tool to see its input schema and invoke it.</Empty>}</div>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function matches(tool: CatalogTool, query: string, server: string, tag: string): boolean {
  const text = query.trim().toLowerCase();
  if (text && !`${tool.qualifiedName} ${tool.title ?? ''} ${tool.description ?? ''}`.toLowerCase().includes(text)) return false;
  if (server === BROADCAST_FILTER && !tool.broadcast) return false;
  if (server && server !== BROADCAST_FILTER && tool.server !== server) return false;
  if (tag && !tool.tags.some((entry) => entry === tag || normaliseTag(entry) === normaliseTag(tag))) return false;
  return true;
}
