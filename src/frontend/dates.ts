/**
 * Dates as the viewer reads them: one format across the page, from the viewer's locale and time zone
 * (Forge's context: `locale`, `timezone`). Calendar dates (an expiry chosen in a date picker, stored as
 * `YYYY-MM-DD` or midnight UTC) are shown as that calendar day, never shifted by the viewer's time zone.
 */
export interface Viewer {
  locale: string;
  timeZone: string;
}

export const DEFAULT_VIEWER: Viewer = { locale: 'en-US', timeZone: 'UTC' };

/** A locale and time zone Intl accepts, else the defaults (a context may carry `en_US` or nothing). */
export function viewerOf(context: { locale?: unknown; timezone?: unknown } | undefined): Viewer {
  const locale = typeof context?.locale === 'string' ? context.locale.replace('_', '-') : '';
  const timeZone = typeof context?.timezone === 'string' ? context.timezone : '';
  const valid = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  return {
    locale: locale && valid(() => new Intl.DateTimeFormat(locale)) ? locale : DEFAULT_VIEWER.locale,
    timeZone: timeZone && valid(() => new Intl.DateTimeFormat('en', { timeZone })) ? timeZone : DEFAULT_VIEWER.timeZone,
  };
}

/** A moment (an ISO timestamp) as date and time in the viewer's zone, e.g. "Dec 3, 2026, 1:04 PM UTC". */
export function formatDateTime(iso: string | undefined, viewer: Viewer): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(viewer.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: viewer.timeZone,
  })
    .format(d)
    .concat(` ${zoneName(d, viewer)}`);
}

/** A calendar date (`YYYY-MM-DD`, or an ISO timestamp whose day counts in UTC), e.g. "Dec 20, 2026". */
export function formatDate(iso: string | undefined, viewer: Viewer): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(viewer.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

function zoneName(d: Date, viewer: Viewer): string {
  const part = new Intl.DateTimeFormat(viewer.locale, { timeZone: viewer.timeZone, timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? viewer.timeZone;
}

/**
 * Calendar days (`YYYY-MM-DD`) inside a stored sentence, such as an audit entry's detail written before
 * anyone's locale was known ("expires 2026-12-10"), in the viewer's one date format ("expires Dec 10, 2026").
 */
export function datesInWords(text: string, viewer: Viewer): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})\b(?!T)/g, (day) => {
    const shown = formatDate(day, viewer);
    return shown === '—' ? day : shown;
  });
}
