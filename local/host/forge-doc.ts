/**
 * The ForgeDoc tree `@forge/react` emits over the bridge (`{ type, props, children, key }`), and helpers
 * to read it: find nodes by type, test id or text, and collect a node's text.
 */
export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key?: string;
}

export function walk(doc: ForgeDoc, visit: (node: ForgeDoc) => void): void {
  visit(doc);
  for (const child of doc.children) walk(child, visit);
}

export function findAll(doc: ForgeDoc, predicate: (node: ForgeDoc) => boolean): ForgeDoc[] {
  const out: ForgeDoc[] = [];
  walk(doc, (n) => {
    if (predicate(n)) out.push(n);
  });
  return out;
}

export function textOf(doc: ForgeDoc): string {
  if (doc.type === 'String') return String(doc.props.text ?? '');
  return doc.children.map(textOf).join('');
}

export const byType = (type: string) => (n: ForgeDoc) => n.type === type;
export const byTestId = (testId: string) => (n: ForgeDoc) => n.props.testId === testId;
export const withText = (text: string | RegExp) => (n: ForgeDoc) =>
  typeof text === 'string' ? textOf(n).includes(text) : text.test(textOf(n));
