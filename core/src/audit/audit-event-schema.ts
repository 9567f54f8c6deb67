import type { JsonSchema } from '../plugin.js';
import schema from './audit-event.schema.json' with { type: 'json' };

/** The JSON schema of an AuditEvent (docs/AUDIT.md), for sinks and consumers that validate what they store or read. */
export const auditEventSchema: JsonSchema = schema;
