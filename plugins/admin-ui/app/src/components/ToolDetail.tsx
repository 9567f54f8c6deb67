/** One tool: description, readable input schema, invoke form, and the result of the last call. */
import { useState } from 'react';
import { useApp } from '../app-context';
import type { CallToolResult, CatalogTool } from '../types';
import { BroadcastResult, broadcastOutcomeOf } from './BroadcastResult';
import { InvokeForm } from './InvokeForm';
import { SchemaTable } from './SchemaTable';
import { ErrorMessage } from './States';
import { ToolResult } from './ToolResult';

interface Outcome {
  result: CallToolResult;
  ms: number;
}

export function ToolDetail({ tool }: { tool: CatalogTool }) {
  const { api } = useApp();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<unknown>();

  const invoke = async (args: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    const started = performance.now();
    try {
      const result = tool.broadcast || !tool.server
        ? await api.send<CallToolResult>('POST', `/tools/${encodeURIComponent(tool.qualifiedName)}/invoke`, args)
        : (await api.send<{ result: CallToolResult }>('POST', `/mcp/invoke?mcp_server=${encodeURIComponent(tool.server)}`, { tool_name: tool.toolName, parameters: args })).result;
      setOutcome({ result, ms: Math.round(performance.now() - started) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const broadcast = outcome && tool.broadcast ? broadcastOutcomeOf(outcome.result) : undefined;
  return (
    <article aria-labelledby="tool-title">
      <h2 id="tool-title">{tool.qualifiedName}</h2>
      <p className="muted">
        {tool.broadcast ? 'Runs on every server that provides it' : `On server ${tool.server}`}
        {tool.tags.length > 0 && <> · tags {tool.tags.map((tag) => <span className="tag" key={tag}>{tag}</span>)}</>}
      </p>
      {tool.description && <p className="description">{tool.description}</p>}
      <h3>Input</h3>
      <SchemaTable schema={tool.inputSchema} />
      <InvokeForm schema={tool.inputSchema} busy={busy} onInvoke={(args) => void invoke(args)} />
      <div aria-live="polite" className="result-area">
        {error !== undefined && <ErrorMessage error={error} action={`invoke ${tool.qualifiedName}`} />}
        {outcome && (
          <section aria-label="Result">
            <h3>
              Result <span className="muted small">({outcome.ms} ms)</span>
            </h3>
            {broadcast ? <BroadcastResult outcome={broadcast} /> : <ToolResult result={outcome.result} />}
          </section>
        )}
      </div>
    </article>
  );
}
