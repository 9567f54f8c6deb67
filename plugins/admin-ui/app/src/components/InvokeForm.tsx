/** The invoke form of one tool, generated from its input schema, with a whole-arguments JSON editor as fallback. */
import { useMemo, useState, type FormEvent } from 'react';
import type { JsonSchema } from '../types';
import { argumentsOf, describeType, fieldsOf, FieldError, type Field } from './schema-fields';

export function InvokeForm({ schema, busy, onInvoke }: { schema?: JsonSchema; busy: boolean; onInvoke(args: Record<string, unknown>): void }) {
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.name, field.initial])));
  const [asJson, setAsJson] = useState(fields.length === 0);
  const [json, setJson] = useState('{}');
  const [error, setError] = useState<FieldError>();

  const switchMode = () => {
    setError(undefined);
    if (!asJson) {
      try {
        setJson(JSON.stringify(argumentsOf(fields, values), null, 2));
      } catch {
        setJson('{}');
      }
    }
    setAsJson(!asJson);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onInvoke(asJson ? parseArguments(json) : argumentsOf(fields, values));
    } catch (caught) {
      if (caught instanceof FieldError) setError(caught);
      else throw caught;
    }
  };

  return (
    <form className="invoke-form" onSubmit={submit} noValidate>
      {asJson ? (
        <label className="wide">
          Arguments (JSON object)
          <textarea name="arguments" rows={8} value={json} onChange={(event) => setJson(event.target.value)} spellCheck={false} aria-invalid={error?.field === '*'} />
        </label>
      ) : (
        fields.map((field) => <FieldInput key={field.name} field={field} value={values[field.name] ?? ''} invalid={error?.field === field.name} onChange={(value) => setValues({ ...values, [field.name]: value })} />)
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Running…' : 'Invoke'}
        </button>
        {fields.length > 0 && (
          <button type="button" className="secondary" onClick={switchMode}>
            {asJson ? 'Edit as form' : 'Edit as JSON'}
          </button>
        )}
      </div>
    </form>
  );
}

function parseArguments(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || '{}');
  } catch {
    throw new FieldError('*', 'The arguments are not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FieldError('*', 'The arguments must be a JSON object');
  return parsed as Record<string, unknown>;
}

function FieldInput({ field, value, invalid, onChange }: { field: Field; value: string; invalid: boolean; onChange(value: string): void }) {
  const id = `arg-${field.name}`;
  const hintId = `${id}-hint`;
  const common = { id, name: field.name, 'aria-invalid': invalid, 'aria-describedby': hintId, 'aria-required': field.required };
  const { schema } = field;
  return (
    <div className={field.kind === 'json' ? 'field wide' : 'field'}>
      <label htmlFor={id} className={field.required ? 'required' : undefined}>
        {schema.title ?? field.name}
      </label>
      {field.kind === 'enum' ? (
        <select {...common} value={value} onChange={(event) => onChange(event.target.value)}>
          {!field.required && <option value="">(not set)</option>}
          {field.required && value === '' && <option value="">Choose…</option>}
          {schema.enum!.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      ) : field.kind === 'boolean' ? (
        <select {...common} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{field.required ? 'Choose…' : '(not set)'}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : field.kind === 'json' ? (
        <textarea {...common} rows={4} value={value} spellCheck={false} placeholder="JSON" onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={field.kind === 'string' ? (schema.format === 'uri' ? 'url' : 'text') : 'number'}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={schema.minimum}
          max={schema.maximum}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      <span id={hintId} className="muted small">
        {describeType(schema)}
        {field.required ? ', required' : ''}
        {schema.description ? ` — ${schema.description}` : ''}
      </span>
    </div>
  );
}
