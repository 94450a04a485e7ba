/**
 * The subset of JQL the simulator's search understands: clauses on `project`, `key`, `issuetype`,
 * `status`, `statusCategory`, `assignee`, `reporter`, `labels`, `summary ~` and issue entity properties
 * (`issue.property[key].path`), with `=`, `!=`, `in`, `not in`, `~`, `is [not] EMPTY`, joined by AND/OR
 * (AND binds tighter, parentheses allowed), and `ORDER BY created|updated|key [ASC|DESC]`. Anything else
 * is refused with a 400 as Jira refuses JQL it cannot parse; a query without a restriction is refused as
 * `search/jql` refuses unbounded queries.
 */
import { SimHttpError } from './http';
import type { SiteState } from './model';
import type { IssueState, SimIssue } from './issues-model';
import { projectOf, statusOf } from './issues-model';

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string };

function tokenize(jql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i] as string;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < jql.length && jql[j] !== c) {
        if (jql[j] === '\\' && j + 1 < jql.length) j += 1;
        text += jql[j];
        j += 1;
      }
      if (j >= jql.length) throw jqlError(`The quoted string starting at character ${i + 1} is not closed.`);
      out.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: 'punct', text: c });
      i += 1;
    } else if (c === '!' || c === '=' || c === '~') {
      const two = jql.slice(i, i + 2);
      if (two === '!=' || two === '!~') {
        out.push({ kind: 'op', text: two });
        i += 2;
      } else if (c === '!') {
        throw jqlError(`Error in the JQL Query: the character '!' is a reserved JQL character.`);
      } else {
        out.push({ kind: 'op', text: c });
        i += 1;
      }
    } else {
      const m = /^[^\s()=,!~"']+/.exec(jql.slice(i));
      const text = m?.[0] ?? c;
      out.push({ kind: 'word', text });
      i += text.length;
    }
  }
  return out;
}

function jqlError(message: string): SimHttpError {
  return new SimHttpError(400, message);
}

export interface JqlContext {
  state: SiteState;
  issues: IssueState;
  callerId: string | undefined;
}

type Pred = (issue: SimIssue, ctx: JqlContext) => boolean;

export interface ParsedJql {
  matches: Pred;
  order: { field: 'created' | 'updated' | 'key'; desc: boolean };
}

/** Parses `jql`, refusing what the subset does not cover and unbounded queries. */
export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos];
    pos += 1;
    return t;
  };
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toLowerCase() === w;

  function value(): string {
    const t = next();
    if (!t || t.kind === 'punct' || t.kind === 'op') throw jqlError('Error in the JQL Query: expecting a value.');
    if (t.kind === 'word' && /^currentuser\(\)$/i.test(t.text)) return '\u0000currentUser';
    if (t.kind === 'word' && peek()?.text === '(') throw jqlError(`Unsupported JQL function '${t.text}'.`);
    return t.text;
  }

  function list(): string[] {
    if (next()?.text !== '(') throw jqlError("Error in the JQL Query: expecting '(' after 'in'.");
    const values = [value()];
    while (peek()?.text === ',') {
      next();
      values.push(value());
    }
    if (next()?.text !== ')') throw jqlError("Error in the JQL Query: expecting ')' to close the list.");
    return values;
  }

  function clause(): Pred {
    if (peek()?.text === '(') {
      next();
      const inner = or();
      if (next()?.text !== ')') throw jqlError("Error in the JQL Query: expecting ')'.");
      return inner;
    }
    if (isWord(peek(), 'not')) {
      next();
      const inner = clause();
      return (i, c) => !inner(i, c);
    }
    const f = next();
    if (!f || f.kind !== 'word') throw jqlError('Error in the JQL Query: expecting a field name.');
    const field = fieldAccessor(f.text);
    const opTok = next();
    if (!opTok) throw jqlError(`Error in the JQL Query: expecting an operator after '${f.text}'.`);
    if (isWord(opTok, 'is')) {
      const negate = isWord(peek(), 'not');
      if (negate) next();
      const v = next();
      if (!isWord(v, 'empty') && !isWord(v, 'null')) throw jqlError("Error in the JQL Query: expecting 'EMPTY'.");
      return (i, c) => (field(i, c).length === 0) !== negate;
    }
    if (isWord(opTok, 'in') || (isWord(opTok, 'not') && isWord(peek(), 'in'))) {
      const negate = isWord(opTok, 'not');
      if (negate) next();
      const values = list();
      return (i, c) => {
        const have = field(i, c);
        const hit = values.some((v) => have.some((h) => eq(h, resolve(v, c))));
        return negate ? !hit : hit;
      };
    }
    if (opTok.kind !== 'op') throw jqlError(`Error in the JQL Query: the operator '${opTok.text}' is not supported.`);
    const v = value();
    switch (opTok.text) {
      case '=':
        return (i, c) => field(i, c).some((h) => eq(h, resolve(v, c)));
      case '!=':
        return (i, c) => !field(i, c).some((h) => eq(h, resolve(v, c)));
      case '~':
        return (i, c) => field(i, c).some((h) => h.toLowerCase().includes(v.toLowerCase()));
      case '!~':
        return (i, c) => !field(i, c).some((h) => h.toLowerCase().includes(v.toLowerCase()));
      default:
        throw jqlError(`Error in the JQL Query: the operator '${opTok.text}' is not supported.`);
    }
  }

  function and(): Pred {
    const parts = [clause()];
    while (isWord(peek(), 'and')) {
      next();
      parts.push(clause());
    }
    return (i, c) => parts.every((p) => p(i, c));
  }

  function or(): Pred {
    const parts = [and()];
    while (isWord(peek(), 'or')) {
      next();
      parts.push(and());
    }
    return (i, c) => parts.some((p) => p(i, c));
  }

  if (tokens.length === 0 || isWord(tokens[0], 'order'))
    throw jqlError('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const matches = or();
  let order: ParsedJql['order'] = { field: 'created', desc: true };
  if (isWord(peek(), 'order')) {
    next();
    if (!isWord(next(), 'by')) throw jqlError("Error in the JQL Query: expecting 'by' after 'order'.");
    const f = next()?.text.toLowerCase();
    if (f !== 'created' && f !== 'updated' && f !== 'key')
      throw jqlError(`Ordering by '${f ?? ''}' is not supported here.`);
    const dir = peek();
    let desc = false;
    if (isWord(dir, 'desc') || isWord(dir, 'asc')) {
      desc = isWord(next(), 'desc');
    }
    order = { field: f, desc };
  }
  if (pos < tokens.length) throw jqlError(`Error in the JQL Query: unexpected '${tokens[pos]?.text ?? ''}'.`);
  return { matches, order };
}

function resolve(v: string, c: JqlContext): string {
  return v === '\u0000currentUser' ? (c.callerId ?? '') : v;
}

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The values a field has on an issue (several for `project`: id, key and name all match). */
function fieldAccessor(name: string): (issue: SimIssue, c: JqlContext) => string[] {
  const prop = /^issue\.property\[([^\]]+)\](?:\.(.+))?$/i.exec(name);
  if (prop) {
    const key = prop[1] as string;
    const path = prop[2]?.split('.') ?? [];
    return (issue) => {
      let v: unknown = issue.properties.get(key);
      for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      if (v === undefined || v === null) return [];
      if (Array.isArray(v)) return v.map(String);
      return typeof v === 'object' ? [] : [String(v as string | number | boolean)];
    };
  }
  switch (name.toLowerCase()) {
    case 'project':
      return (issue, c) => {
        const p = projectOf(c.issues, issue);
        return [p.id, p.key, p.name];
      };
    case 'key':
    case 'issuekey':
    case 'id':
      return (issue) => [issue.key, issue.id];
    case 'issuetype':
    case 'type':
      return (issue, c) => {
        const t = projectOf(c.issues, issue).issueTypes.find((x) => x.id === issue.issueTypeId);
        return t ? [t.id, t.name] : [];
      };
    case 'status':
      return (issue, c) => {
        const s = statusOf(c.issues, issue);
        return [s.id, s.name];
      };
    case 'statuscategory':
      return (issue, c) => {
        const s = statusOf(c.issues, issue);
        return [{ new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[s.category], s.category];
      };
    case 'assignee':
      return (issue) => (issue.assignee ? [issue.assignee] : []);
    case 'reporter':
      return (issue) => [issue.reporter];
    case 'labels':
      return (issue) => issue.labels;
    case 'summary':
      return (issue) => [issue.summary];
    default:
      throw jqlError(`Field '${name}' does not exist or this simulator does not search it.`);
  }
}
