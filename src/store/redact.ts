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
