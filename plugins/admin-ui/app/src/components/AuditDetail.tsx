/** Every field of one audit event, in a dialog that keeps focus and closes with Escape. */
import { useEffect, useRef } from 'react';
import type { AuditEvent } from '../types';
import { JsonView } from './ToolResult';

export function AuditDetail({ event, onClose }: { event: AuditEvent; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, [event]);
  const rows: Array<[string, unknown]> = [
    ['Id', event.id],
    ['Time', event.timestamp],
    ['Event type', event.event_type],
    ['Outcome', event.outcome],
    ['User', event.principal ? `${event.principal.username} (${event.principal.sub})` : undefined],
    ['Roles', event.principal?.roles.join(', ')],
    ['Channel', event.channel],
    ['Server', event.server],
    ['Tool', event.tool],
    ['Resource', event.resource],
    ['Prompt', event.prompt],
    ['Error', event.error],
    ['Duration', event.duration_ms === undefined ? undefined : `${event.duration_ms} ms`],
    ['Result size', event.result_size === undefined ? undefined : `${event.result_size} bytes`],
    ['Request id', event.request_id],
    ['Trace id', event.trace_id],
    ['Parent event', event.parent_id],
    ['Session', event.session_id],
    ['Client', event.client ? [event.client.address, event.client.user_agent].filter(Boolean).join(' · ') : undefined],
  ];
  return (
    <dialog ref={dialog} className="detail" aria-labelledby="audit-detail-title" onClose={onClose}>
      <h2 id="audit-detail-title">Audit event</h2>
      <dl>
        {rows
          .filter(([, value]) => value !== undefined && value !== '')
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
      </dl>
      {event.arguments !== undefined && (
        <>
          <h3>Arguments (redacted)</h3>
          <JsonView value={event.arguments} />
        </>
      )}
      {event.details && (
        <>
          <h3>Details</h3>
          <JsonView value={event.details} />
        </>
      )}
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
