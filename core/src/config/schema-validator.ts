import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from '../errors.js';
import type { JsonSchema } from '../plugin.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * One ajv instance: defaults applied in place, every error reported, schemas compiled once; `verbose` keeps each
 * error's schema, so an unknown option can be answered with the options that exist.
 */
const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true }));
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * A schema with an `$id` may reach us as several objects (a plugin loaded from source and from its build), and ajv
 * refuses to register one id twice: the id, when present, is the identity.
 */
function compile(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const id = typeof schema['$id'] === 'string' ? schema['$id'] : undefined;
    validate = (id ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Validates `value` against `schema`, filling in defaults, and returns it. On failure throws one ConfigError that
 * lists every problem as `<where>.<path>: <what was expected>`.
 */
export function validateAgainstSchema<T>(schema: JsonSchema, value: unknown, where: string): T {
  const validate = compile(schema);
  if (validate(value)) return value as T;
  const problems = (validate.errors ?? []).filter(isUseful).map((error) => describe(error, where));
  throw new ConfigError(`invalid configuration:\n  - ${[...new Set(problems)].join('\n  - ')}`);
}

/** `anyOf` reports each failed branch and then itself; the branch errors say more. */
function isUseful(error: ErrorObject): boolean {
  return error.keyword !== 'anyOf' && error.keyword !== 'if';
}

/** The patterns the gateway's and plugins' schemas share, said the way a person would. */
const PATTERN_MEANINGS: Record<string, string> = {
  '^https?://[^\\s]+$': 'an http:// or https:// URL',
  '^https?://[^\\s]+[^/]$': 'an http:// or https:// URL without a trailing /',
  '^[a-z][a-z0-9+.-]*://.+$': 'a reference such as env://VAR, file:///path or vault://mount/path#key',
  '\\{credential\\}': 'a text containing {credential}',
};

function describe(error: ErrorObject, where: string): string {
  const path = [where, ...error.instancePath.split('/').slice(1).map(unescapePointer)].filter(Boolean).join('.');
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown option "${String(error.params['additionalProperty'])}"${knownOptions(error)}`;
    case 'required':
      return `${path}: missing required option "${String(error.params['missingProperty'])}"`;
    case 'enum':
      return `${path}: must be one of ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path}: must be ${String(error.params['type'])}`;
    case 'pattern': {
      const expected = PATTERN_MEANINGS[String(error.params['pattern'])];
      return expected ? `${path}: must be ${expected}` : `${path}: ${error.message ?? 'is invalid'}`;
    }
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

/** ` (expected one of: a, b)` from the schema's `properties`, or nothing when the schema names none. */
function knownOptions(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const names = properties ? Object.keys(properties) : [];
  return names.length ? ` (expected one of: ${names.join(', ')})` : '';
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
