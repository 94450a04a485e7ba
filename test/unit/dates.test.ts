/**
 * One date format across the page, from the viewer's locale and time zone: a calendar day (an expiry) is
 * never shifted by the time zone, a moment shows its zone, and a locale or zone Intl refuses falls back.
 */
import { datesInWords, formatDate, formatDateTime, viewerOf } from '../../src/frontend/dates';

/** ICU versions differ in the space they put before AM/PM (U+0020 or U+202F): compare words, not spaces. */
const words = (s: string) => s.replace(/\s/gu, ' ');

describe('dates as the viewer reads them', () => {
  it('shows a calendar day as that day in every time zone', () => {
    for (const timeZone of ['Pacific/Auckland', 'America/Los_Angeles', 'UTC'])
      expect(formatDate('2026-12-20', { locale: 'en-US', timeZone })).toBe('Dec 20, 2026');
    expect(formatDate('2026-12-20T00:00:00.000Z', { locale: 'en-GB', timeZone: 'America/Los_Angeles' })).toBe(
      '20 Dec 2026',
    );
  });

  it('shows a moment in the viewer’s zone, naming the zone', () => {
    const at = '2026-12-03T13:04:00.000Z';
    expect(words(formatDateTime(at, { locale: 'en-US', timeZone: 'UTC' }))).toBe('Dec 3, 2026, 1:04 PM UTC');
    expect(words(formatDateTime(at, { locale: 'en-GB', timeZone: 'Europe/Berlin' }))).toBe('3 Dec 2026, 14:04 CET');
  });

  it('says nothing was recorded rather than printing an invalid date', () => {
    expect(formatDate(undefined, { locale: 'en-US', timeZone: 'UTC' })).toBe('—');
    expect(formatDateTime('not a date', { locale: 'en-US', timeZone: 'UTC' })).toBe('—');
  });

  it('takes the locale and zone from Forge’s context, and falls back when Intl refuses them', () => {
    expect(viewerOf({ locale: 'de_DE', timezone: 'Europe/Berlin' })).toEqual({
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
    });
    expect(viewerOf({ locale: 'not a locale!', timezone: 'Mars/Olympus' })).toEqual({
      locale: 'en-US',
      timeZone: 'UTC',
    });
    expect(viewerOf(undefined)).toEqual({ locale: 'en-US', timeZone: 'UTC' });
  });
});

describe('datesInWords: calendar days inside a stored sentence, in the viewer’s format', () => {
  const us = { locale: 'en-US', timeZone: 'UTC' };
  it('rewrites each YYYY-MM-DD day of an audit detail and leaves the rest as written', () => {
    expect(datesInWords('API token "Importer", expires 2026-12-10.', us)).toBe(
      'API token "Importer", expires Dec 10, 2026.',
    );
    expect(datesInWords('from 2026-01-02 to 2026-03-04', { locale: 'de-DE', timeZone: 'UTC' })).toBe(
      'from 02.01.2026 to 04.03.2026',
    );
  });
  it('leaves text without a day, an impossible day and a timestamp alone', () => {
    expect(datesInWords('5 Jira requests', us)).toBe('5 Jira requests');
    expect(datesInWords('on 2026-13-45', us)).toBe('on 2026-13-45');
    expect(datesInWords('at 2026-12-10T10:00:00Z', us)).toBe('at 2026-12-10T10:00:00Z');
  });
});
