/**
 * Keeps emails out of everything the app persists or logs: any email-shaped text becomes `[email]`.
 */
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/g;

export function redactEmails(text: string): string {
  return text.replace(EMAIL, '[email]');
}

export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}

/** A copy of a JSON-like value with every string redacted (object keys left as they are). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactEmails(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}
