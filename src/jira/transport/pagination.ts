/**
 * One pagination helper for both of Jira's dialects: platform `startAt/maxResults` (`PageBean`, or a
 * plain array for `user/search` and `users/search`) and JSM `start/limit/isLastPage`. Each endpoint
 * function adapts its answer to a `Page`; `collect` walks pages until the last one and says whether it
 * stopped early, so nothing is silently truncated.
 */
export interface Page<T> {
  items: T[];
  isLast: boolean;
  total?: number;
}

export type PageFetcher<T> = (offset: number, size: number) => Promise<Page<T>>;

export interface Collected<T> {
  items: T[];
  /** True when `maxItems` stopped the walk before Jira's last page. */
  truncated: boolean;
  total?: number;
}

export async function collect<T>(
  fetchPage: PageFetcher<T>,
  pageSize: number,
  maxItems = Number.POSITIVE_INFINITY,
): Promise<Collected<T>> {
  const items: T[] = [];
  let offset = 0;
  for (;;) {
    const page = await fetchPage(offset, pageSize);
    items.push(...page.items);
    offset += page.items.length;
    if (page.isLast || page.items.length === 0) return { items, truncated: false, total: page.total };
    if (items.length >= maxItems) return { items: items.slice(0, maxItems), truncated: true, total: page.total };
  }
}

/** Platform `PageBean*`. */
export function fromPageBean<T>(body: { values?: T[]; isLast?: boolean; total?: number; startAt?: number }): Page<T> {
  const items = body.values ?? [];
  const isLast = body.isLast ?? (body.total !== undefined ? (body.startAt ?? 0) + items.length >= body.total : true);
  return { items, isLast, total: body.total };
}

/** Plain arrays (`user/search`, `users/search`): a short page is the last. */
export function fromArray<T>(body: T[], requested: number): Page<T> {
  return { items: body, isLast: body.length < requested };
}

/** JSM `PagedDTO*`. */
export function fromPagedDto<T>(body: { values?: T[]; isLastPage?: boolean }): Page<T> {
  return { items: body.values ?? [], isLast: body.isLastPage ?? true };
}
