/**
 * Validates simulator answers against the official OpenAPI response schemas kept in `local/specs`.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Spec = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: unknown;
};

const SPECS: Record<'platform' | 'jsm', string> = {
  platform: 'jira-platform-v3.json',
  jsm: 'jira-servicedesk.json',
};
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const loaded = new Map<string, Spec>();

function spec(kind: 'platform' | 'jsm'): Spec {
  let s = loaded.get(kind);
  if (!s) {
    s = JSON.parse(readFileSync(join(__dirname, '..', '..', 'local', 'specs', SPECS[kind]), 'utf8')) as Spec;
    ajv.addSchema({ components: s.components }, kind);
    loaded.set(kind, s);
  }
  return s;
}

/** `$ref`s in a response schema point into the spec's components; re-root them on the spec's id. */
function reRoot(schema: unknown, kind: string): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${kind}#/`));
}

export function responseValidator(
  kind: 'platform' | 'jsm',
  method: string,
  template: string,
  status: number,
): ValidateFunction {
  const op = spec(kind).paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`No ${method} ${template} in the ${kind} spec`);
  const response = op.responses[String(status)];
  if (!response) throw new Error(`The spec documents no ${status} for ${method} ${template}`);
  const content = response.content ? Object.values(response.content)[0] : undefined;
  if (content) return ajv.compile(reRoot(content.schema, kind) as object);
  // The platform spec documents most error statuses without a body schema; Jira answers ErrorCollection.
  if (status >= 400) return schemaValidator(kind, kind === 'platform' ? 'ErrorCollection' : 'ErrorResponse');
  return ajv.compile({ not: {} });
}

export function schemaValidator(kind: 'platform' | 'jsm', name: string): ValidateFunction {
  spec(kind);
  return ajv.compile({ $ref: `${kind}#/components/schemas/${name}` });
}

export function explain(v: ValidateFunction): string {
  return ajv.errorsText(v.errors, { separator: '\n' });
}
