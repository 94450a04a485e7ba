/**
 * The functional-account naming convention: `<Name>_Func_<SiteId>`. Searching `func` finds them all.
 */
export const FUNCTIONAL_MARKER = /_func_/i;

export function looksFunctional(displayName: string): boolean {
  return FUNCTIONAL_MARKER.test(displayName);
}

/** The query `func` (any case) means "functional accounts", as the naming convention promises. */
export function isFunctionalQuery(query: string | undefined): boolean {
  return !!query && query.trim().toLowerCase() === 'func';
}
