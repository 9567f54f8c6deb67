/** A tool's input schema as a table a person reads: name, type, required, default, description. */
import type { JsonSchema } from '../types';
import { describeType } from './schema-fields';

export function SchemaTable({ schema }: { schema?: JsonSchema }) {
  const properties = Object.entries(schema?.properties ?? {});
  if (properties.length === 0) return <p className="muted">This tool takes no declared arguments.</p>;
  const required = new Set(schema?.required ?? []);
  return (
    <details className="schema" open>
      <summary>Input schema ({properties.length} {properties.length === 1 ? 'argument' : 'arguments'})</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Argument</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Default</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {properties.map(([name, property]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td>{describeType(property)}</td>
              <td>{required.has(name) ? 'yes' : 'no'}</td>
              <td>{property.default === undefined ? '' : <code>{JSON.stringify(property.default)}</code>}</td>
              <td>{property.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
