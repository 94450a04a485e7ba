import { looksLikeEmail, redactDeep, redactEmails } from '../../src/store/redact';

/**
 * Email redaction (store/redact.ts): what becomes `[email]` before anything is persisted or logged, where
 * an address ends, and which text is left alone.
 */
describe('redactEmails', () => {
  it('replaces every address in the text, and only the address', () => {
    expect(redactEmails('Added ana@example.com and bo.li@corp.example.co.uk to team-a')).toBe(
      'Added [email] and [email] to team-a',
    );
  });

  it.each([
    ['angle brackets', 'Ana <ana@example.com>', 'Ana <[email]>'],
    ['parentheses', '(ana@example.com)', '([email])'],
    ['double quotes', '"ana@example.com"', '"[email]"'],
    ['single quotes', "'ana@example.com'", "'[email]'"],
    ['commas', 'ana@example.com,bo@example.com', '[email],[email]'],
    ['semicolons', 'ana@example.com;bo@example.com', '[email];[email]'],
    ['a colon', 'mailto:ana@example.com', 'mailto:[email]'],
    ['a line break', 'ana@example.com\nbo@example.com', '[email]\n[email]'],
    ['a tab', 'x\tana@example.com\ty', 'x\t[email]\ty'],
  ])('stops an address at %s', (_label, text, redacted) => {
    expect(redactEmails(text)).toBe(redacted);
  });

  it('takes plus tags, digits and sub-domains as part of the address', () => {
    expect(redactEmails('ana+jira.1@mail.example.com')).toBe('[email]');
  });

  it.each([
    ['no dot after the @', 'ana@localhost'],
    ['nothing before the @', '@example.com'],
    ['nothing after the dot', 'ana@example.'],
    ['nothing between @ and dot', 'ana@.com'],
    ['two @', 'ana@@example.com'],
    ['plain text', 'team-a'],
    ['an account ID', '712020:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'],
  ])('leaves text with %s alone', (_label, text) => {
    expect(redactEmails(text)).toBe(text);
  });
});

describe('looksLikeEmail (a pasted identifier is an address)', () => {
  it.each([['ana@example.com'], ['  ana@example.com  '], ['a.b+c@d.e.f'], ['Ana@Example.COM']])('%j is one', (t) => {
    expect(looksLikeEmail(t)).toBe(true);
  });

  it.each([
    ['text before it', 'x ana@example.com'],
    ['text after it', 'ana@example.com x'],
    ['no dot after the @', 'ana@localhost'],
    ['two @', 'ana@b@example.com'],
    ['nothing before the @', '@example.com'],
    ['nothing after the dot', 'ana@example.'],
    ['a space inside', 'ana @example.com'],
    ['an account ID', '712020:0f1e2d3c'],
    ['empty text', ''],
  ])('%s is not one', (_label, t) => {
    expect(looksLikeEmail(t)).toBe(false);
  });
});

describe('redactDeep', () => {
  it('redacts every string at any depth, leaving keys, numbers, booleans and null as they are', () => {
    const value = {
      'ana@example.com': 'key stays',
      detail: 'by ana@example.com',
      list: ['bo@example.com', 3, true, null, { deeper: ['x cy@example.com'] }],
      n: 0,
      missing: undefined,
    };
    expect(redactDeep(value)).toEqual({
      'ana@example.com': 'key stays',
      detail: 'by [email]',
      list: ['[email]', 3, true, null, { deeper: ['x [email]'] }],
      n: 0,
      missing: undefined,
    });
    expect(value.detail).toBe('by ana@example.com'); // a copy: the original is unchanged
  });

  it('answers scalars as they are and redacts a string on its own', () => {
    expect(redactDeep('ana@example.com')).toBe('[email]');
    expect(redactDeep(42)).toBe(42);
    expect(redactDeep(null)).toBeNull();
    expect(redactDeep(undefined)).toBeUndefined();
    expect(redactDeep(false)).toBe(false);
  });
});
