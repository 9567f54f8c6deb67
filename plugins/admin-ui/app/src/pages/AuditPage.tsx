/** The audit trail (admins): filters, cursor paging, one event's detail, and a live tail that polls for new events. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApp } from '../app-context';
import { AuditDetail } from '../components/AuditDetail';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { useAsync } from '../use-async';
import type { AuditEvent, AuditPage as Page } from '../types';

interface Filters {
  user: string;
  server: string;
  tool: string;
  outcome: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { user: '', server: '', tool: '', outcome: '', from: '', to: '' };
const PAGE_SIZE = 25;

export function AuditPage() {
  const { api, config, isAdmin } = useApp();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** Cursors of the pages before the current one; the last is the current page's own. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [selected, setSelected] = useState<AuditEvent>();
  const [tail, setTail] = useState(false);
  const seen = useRef(new Set<string>());
  const [fresh, setFresh] = useState(new Set<string>());
  const cursor = cursors[cursors.length - 1];

  const page = useAsync(() => (isAdmin ? api.get<Page>(`/audit?${queryOf(filters, cursor)}`) : Promise.resolve(undefined)), [filters, cursor, isAdmin]);

  useEffect(() => {
    if (!tail || cursor !== undefined) return undefined;
    const timer = window.setInterval(page.reload, config.audit_poll_seconds * 1000);
    return () => window.clearInterval(timer);
  }, [tail, cursor, config.audit_poll_seconds, page.reload]);

  useEffect(() => {
    const events = page.data?.events ?? [];
    const first = seen.current.size === 0;
    const added = events.filter((event) => !seen.current.has(event.id)).map((event) => event.id);
    added.forEach((id) => seen.current.add(id));
    if (!first && tail) setFresh(new Set(added));
  }, [page.data, tail]);

  if (!isAdmin) {
    return (
      <section aria-labelledby="audit-title">
        <h1 id="audit-title">Audit</h1>
        <div className="error" role="alert">
          The audit trail is for administrators: it needs the <code>{config.admin_role}</code> role.
        </div>
      </section>
    );
  }

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setFilters(Object.fromEntries(Object.keys(NO_FILTERS).map((key) => [key, String(data.get(key) ?? '').trim()])) as unknown as Filters);
    setCursors([undefined]);
  };
  const nextCursor = page.data?.next_cursor ?? page.data?.nextCursor ?? undefined;

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit</h1>
        <label className="inline">
          <input type="checkbox" checked={tail} onChange={(event) => setTail(event.target.checked)} disabled={cursor !== undefined} /> Live tail (every {config.audit_poll_seconds} s)
        </label>
        <button type="button" onClick={page.reload} disabled={page.loading}>
          Refresh
        </button>
      </div>
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        <label>
          User <input name="user" defaultValue={filters.user} />
        </label>
        <label>
          Server <input name="server" defaultValue={filters.server} />
        </label>
        <label>
          Tool <input name="tool" defaultValue={filters.tool} />
        </label>
        <label>
          Outcome
          <select name="outcome" defaultValue={filters.outcome}>
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="error">error</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <label>
          From <input name="from" type="datetime-local" step={1} defaultValue={filters.from} />
        </label>
        <label>
          To <input name="to" type="datetime-local" step={1} defaultValue={filters.to} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      {page.error ? (
        <ErrorMessage error={page.error} action="read the audit trail" />
      ) : !page.data ? (
        <Loading what="audit events" />
      ) : page.data.events.length === 0 ? (
        <Empty>No audit events match these filters.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="audit-table">
            <caption className="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">User</th>
                <th scope="col">Server</th>
                <th scope="col">Tool / resource</th>
                <th scope="col">Outcome</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {page.data.events.map((event) => (
                <tr key={event.id} className={fresh.has(event.id) ? 'fresh' : undefined} aria-selected={selected?.id === event.id}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(event)} aria-label={`Details of ${event.event_type} ${event.tool ?? ''} at ${event.timestamp}`}>
                      {new Date(event.timestamp).toLocaleString()}
                    </button>
                  </td>
                  <td>{event.event_type}</td>
                  <td>{event.principal?.username ?? <span className="muted">—</span>}</td>
                  <td>{event.server ?? ''}</td>
                  <td>{event.tool ?? event.resource ?? event.prompt ?? ''}</td>
                  <td>
                    <span className={`badge outcome-${event.outcome}`}>{event.outcome}</span>
                  </td>
                  <td className="num">{event.duration_ms === undefined ? '' : `${event.duration_ms} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Audit pages">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button type="button" disabled={!nextCursor} onClick={() => setCursors([...cursors, nextCursor])}>
          Older
        </button>
      </nav>
      {selected && <AuditDetail event={selected} onClose={() => setSelected(undefined)} />}
    </section>
  );
}

function queryOf(filters: Filters, cursor: string | undefined): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const key of ['user', 'server', 'tool', 'outcome'] as const) if (filters[key]) params.set(key, filters[key]);
  if (filters.from) params.set('from', new Date(filters.from).toISOString());
  if (filters.to) params.set('to', new Date(filters.to).toISOString());
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}
