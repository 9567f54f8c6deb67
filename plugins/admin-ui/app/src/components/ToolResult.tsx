/** One tool result, every MCP content type shown as what it is; `isError` results are marked as failures. */
import type { CallToolResult, ContentBlock } from '../types';

export function ToolResult({ result }: { result: CallToolResult }) {
  const content = result.content ?? [];
  return (
    <div className={result.isError ? 'result result-error' : 'result'}>
      {result.isError && (
        <p className="error" role="alert">
          The tool reported an error.
        </p>
      )}
      {content.length === 0 && !result.structuredContent && <p className="muted">The tool returned no content.</p>}
      {content.map((block, index) => (
        <ContentView key={index} block={block} />
      ))}
      {result.structuredContent && (
        <figure className="content">
          <figcaption>Structured content</figcaption>
          <JsonView value={result.structuredContent} />
        </figure>
      )}
    </div>
  );
}

function ContentView({ block }: { block: ContentBlock }) {
  switch (block.type) {
    case 'text': {
      const text = String((block as { text: unknown }).text ?? '');
      const json = asJson(text);
      return (
        <figure className="content content-text">
          <figcaption>{json === undefined ? 'Text' : 'JSON'}</figcaption>
          {json === undefined ? <pre className="text">{text}</pre> : <JsonView value={json} />}
        </figure>
      );
    }
    case 'image': {
      const { data, mimeType } = block as { data: string; mimeType: string };
      return (
        <figure className="content content-image">
          <figcaption>Image ({mimeType})</figcaption>
          <img src={`data:${mimeType};base64,${data}`} alt={`Image returned by the tool (${mimeType})`} />
        </figure>
      );
    }
    case 'audio': {
      const { data, mimeType } = block as { data: string; mimeType: string };
      return (
        <figure className="content content-audio">
          <figcaption>Audio ({mimeType})</figcaption>
          <audio controls src={`data:${mimeType};base64,${data}`} aria-label={`Audio returned by the tool (${mimeType})`} />
        </figure>
      );
    }
    case 'resource':
      return <EmbeddedResource resource={(block as { resource: EmbeddedResourceValue }).resource} />;
    case 'resource_link': {
      const link = block as { uri: string; name?: string; description?: string; mimeType?: string };
      return (
        <figure className="content content-link">
          <figcaption>Resource link</figcaption>
          <p>
            <code>{link.uri}</code> {link.name && <strong>{link.name}</strong>} {link.mimeType && <span className="muted">({link.mimeType})</span>}
          </p>
          {link.description && <p>{link.description}</p>}
        </figure>
      );
    }
    default:
      return (
        <figure className="content">
          <figcaption>{block.type} content</figcaption>
          <JsonView value={block} />
        </figure>
      );
  }
}

interface EmbeddedResourceValue {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

function EmbeddedResource({ resource }: { resource: EmbeddedResourceValue }) {
  const mime = resource.mimeType ?? '';
  const json = resource.text !== undefined && (mime.includes('json') || mime === '') ? asJson(resource.text) : undefined;
  return (
    <figure className="content content-resource">
      <figcaption>
        Embedded resource <code>{resource.uri}</code> {mime && <span className="muted">({mime})</span>}
      </figcaption>
      {resource.text !== undefined ? (
        json !== undefined ? <JsonView value={json} /> : <pre className="text">{resource.text}</pre>
      ) : resource.blob !== undefined && mime.startsWith('image/') ? (
        <img src={`data:${mime};base64,${resource.blob}`} alt={`Embedded image ${resource.uri}`} />
      ) : resource.blob !== undefined ? (
        <a href={`data:${mime || 'application/octet-stream'};base64,${resource.blob}`} download={resource.uri.split('/').pop() || 'resource'}>
          Download ({Math.round((resource.blob.length * 3) / 4)} bytes)
        </a>
      ) : (
        <p className="muted">No content.</p>
      )}
    </figure>
  );
}

export function JsonView({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** Text that is a JSON object or array, parsed; anything else stays text. */
function asJson(text: string): unknown {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
