import { localeLabel } from '../../src/frontend/words';

describe('localeLabel: a person’s locale in words, not Jira’s code', () => {
  it('names a Jira locale code (underscore form) by language and region', () => {
    expect(localeLabel('ja_JP')).toBe('Japanese (Japan)');
    expect(localeLabel('en_US')).toBe('American English');
    expect(localeLabel('de')).toBe('German');
  });
  it('shows a dash for no locale and the code itself when Intl cannot name it', () => {
    expect(localeLabel(undefined)).toBe('—');
    expect(localeLabel('not a locale!')).toBe('not a locale!');
  });
});
