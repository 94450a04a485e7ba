/**
 * Payload validation for resolvers: each helper returns the typed value or throws INVALID_INPUT with a
 * message naming the field, before any service runs (so bad input changes nothing).
 */
import { invalidInput } from './app-error';

export type Payload = Record<string, unknown>;

export function asPayload(x: unknown): Payload {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x)) throw invalidInput('The request must be an object.');
  return x as Payload;
}

const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const GROUP_ID = /^[A-Za-z0-9-]{1,128}$/;
const JOB_ID = /^[0-9a-f-]{36}$/;

/**
 * Half of a UTF-16 surrogate pair with no other half: JSON carries it (`"\ud800"`), but it is not text, and
 * encoding it into a Jira URL throws URIError. Refused up front like any other malformed field.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `Number.isInteger` as a type guard (it is false for anything that is not a number). */
const isInteger = (v: unknown): v is number => Number.isInteger(v);

function str(p: Payload, field: string, max: number, optional: boolean): string | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') {
    if (optional) return undefined;
    throw invalidInput(`${field} is required.`);
  }
  if (typeof v !== 'string') throw invalidInput(`${field} must be text.`);
  if (v.length > max) throw invalidInput(`${field} is too long (${max} characters at most).`);
  if (LONE_SURROGATE.test(v)) throw invalidInput(`${field} contains a character that is not valid text.`);
  return v;
}

export const field = {
  string: (p: Payload, name: string, max = 200) => str(p, name, max, false) as string,
  optionalString: (p: Payload, name: string, max = 200) => str(p, name, max, true),
  accountId(p: Payload, name = 'accountId'): string {
    const v = str(p, name, 128, false) as string;
    if (!ACCOUNT_ID.test(v)) throw invalidInput(`${name} is not an Atlassian account ID.`);
    return v;
  },
  groupId(p: Payload, name = 'groupId'): string {
    const v = str(p, name, 128, false) as string;
    if (!GROUP_ID.test(v)) throw invalidInput(`${name} is not a group ID.`);
    return v;
  },
  jobId(p: Payload): string {
    // No length of its own: the format says exactly 36 characters.
    const v = str(p, 'jobId', 200, false) as string;
    if (!JOB_ID.test(v)) throw invalidInput('jobId is not a job ID.');
    return v;
  },
  bool(p: Payload, name: string): boolean {
    const v = p[name];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw invalidInput(`${name} must be true or false.`);
    return v;
  },
  optionalInt(p: Payload, name: string, min: number, max: number): number | undefined {
    const v = p[name];
    if (v === undefined) return undefined;
    if (!isInteger(v) || v < min || v > max)
      throw invalidInput(`${name} must be a whole number from ${min} to ${max}.`);
    return v;
  },
  oneOf<T extends string>(p: Payload, name: string, values: readonly T[], optional = true): T | undefined {
    const v = p[name];
    if (v === undefined && optional) return undefined;
    if (!values.includes(v as T)) throw invalidInput(`${name} must be one of: ${values.join(', ')}.`);
    return v as T;
  },
  ids(p: Payload, name: string, kind: 'account' | 'group', max: number): string[] {
    const v = p[name];
    if (!Array.isArray(v)) throw invalidInput(`${name} must be a list.`);
    if (v.length > max) throw invalidInput(`${name} may hold at most ${max} entries.`);
    const re = kind === 'account' ? ACCOUNT_ID : GROUP_ID;
    for (const x of v)
      if (typeof x !== 'string' || !re.test(x))
        throw invalidInput(`${name} holds something that is not ${kind === 'account' ? 'an account' : 'a group'} ID.`);
    return v as string[];
  },
  object(p: Payload, name: string): Payload {
    return asPayload(p[name]);
  },
};
