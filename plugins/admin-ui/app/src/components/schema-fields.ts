/**
 * Turns a tool's input schema into form fields and the form's values back into arguments. What a field cannot
 * express (objects, arrays, unions) is edited as JSON; a schema with no properties is edited wholly as JSON.
 */
import type { JsonSchema } from '../types';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  schema: JsonSchema;
  /** What the input starts with. */
  initial: string;
}

export function fieldsOf(schema: JsonSchema | undefined): Field[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
    const kind = kindOf(property);
    return { name, kind, required: required.has(name), schema: property, initial: initialOf(property, kind) };
  });
}

function kindOf(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.every((value) => typeof value === 'string' || typeof value === 'number')) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.filter((entry) => entry !== 'null') : schema.type ? [schema.type] : [];
  if (type.length !== 1) return 'json';
  const only = type[0];
  return only === 'string' || only === 'number' || only === 'integer' || only === 'boolean' ? only : 'json';
}

function initialOf(schema: JsonSchema, kind: FieldKind): string {
  if (schema.default === undefined) return '';
  return kind === 'json' ? JSON.stringify(schema.default, null, 2) : String(schema.default);
}

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Arguments from the form's raw values; empty optional fields are left out. Throws FieldError on bad input. */
export function argumentsOf(fields: Field[], values: Record<string, string>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    if (raw.trim() === '' && field.kind !== 'string') {
      if (field.required) throw new FieldError(field.name, `${field.name} is required`);
      continue;
    }
    if (raw === '' && field.kind === 'string' && !field.required) continue;
    args[field.name] = valueOf(field, raw);
  }
  return args;
}

function valueOf(field: Field, raw: string): unknown {
  switch (field.kind) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const value = Number(raw);
      if (!Number.isFinite(value) || (field.kind === 'integer' && !Number.isInteger(value))) throw new FieldError(field.name, `${field.name} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}`);
      return value;
    }
    case 'boolean':
      return raw === 'true';
    case 'enum':
      return field.schema.enum?.find((option) => String(option) === raw) ?? raw;
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw new FieldError(field.name, `${field.name} must be valid JSON`);
      }
  }
}

/** A readable one-line type: `string`, `integer (1–10)`, `"a" | "b"`, `array of string`. */
export function describeType(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(describeType).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type ?? 'any';
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` (${schema.minimum ?? '…'}–${schema.maximum ?? '…'})` : '';
  const items = type === 'array' && schema.items ? ` of ${describeType(schema.items)}` : '';
  const format = schema.format ? `, ${schema.format}` : '';
  return `${type}${items}${range}${format}`;
}
