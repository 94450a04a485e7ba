/**
 * The functional-account naming convention: `<Name>_Func_<SiteId>`. Searching `func` finds them all.
 * Pure rules shared by every layer (the resolver wrapper derives the SiteId; features apply the rest).
 */
export const FUNCTIONAL_MARKER = /_func_/i;

export function looksFunctional(displayName: string): boolean {
  return FUNCTIONAL_MARKER.test(displayName);
}

/** The query `func` (any case) means "functional accounts", as the naming convention promises. */
export function isFunctionalQuery(query: string | undefined): boolean {
  return !!query && query.trim().toLowerCase() === 'func';
}

/** SiteId in functional account names: the first eight characters of the site's cloudId, upper case. */
export function siteIdOf(cloudId: string | undefined): string {
  return (cloudId ?? 'unknown')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .toUpperCase();
}

export function conventionName(name: string, siteId: string): string {
  return `${name}_Func_${siteId}`;
}

export function followsConvention(displayName: string, siteId: string): boolean {
  return new RegExp(`^[A-Za-z0-9]+_Func_${siteId.replace(/[^A-Za-z0-9]/g, '')}$`).test(displayName);
}
