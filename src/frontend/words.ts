/**
 * Human words for what the API answers in codes: account types, plural-aware counts, bulk operations and
 * outcomes. One place, so every tab says the same thing the same way.
 */
import { AUDIT_RESULT_LABELS, type BulkOperation, type ItemOutcome } from '../contract';

const ACCOUNT_TYPES: Record<string, string> = {
  atlassian: 'Person',
  app: 'App',
  customer: 'Customer',
  unknown: 'Unknown type',
};

/** "Person", "App", "Customer" for Jira's `atlassian`, `app`, `customer`. */
export function accountTypeLabel(type: string): string {
  return ACCOUNT_TYPES[type] ?? type;
}

/**
 * A person's locale as words: Jira's `ja_JP` reads "Japanese (Japan)" (Intl.DisplayNames in English, the page's
 * language); a code Intl can't name is shown as it is.
 */
export function localeLabel(locale: string | undefined): string {
  if (!locale) return '—';
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(locale.replace('_', '-'));
    return name && name !== locale ? name : locale;
  } catch {
    return locale;
  }
}

/** "1 user", "2 users"; irregular plurals passed explicitly. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export const OPERATION_LABELS: Record<BulkOperation, string> = {
  'add-users-to-group': 'Add many users to one group',
  'add-user-to-groups': 'Add one user to many groups',
  'remove-users-from-group': 'Remove many users from one group',
  'add-customers-to-desk': 'Add customers to a service desk',
  'remove-customers-from-desk': 'Remove customers from a service desk',
};

/** What "already so" meant for this operation, said of one item. */
export function alreadyWords(operation: BulkOperation, target: string): string {
  switch (operation) {
    case 'remove-users-from-group':
      return `was not in ${target}`;
    case 'add-customers-to-desk':
      return `was already a customer of ${target}`;
    case 'remove-customers-from-desk':
      return `was not a customer of ${target}`;
    default:
      return `was already in ${target}`;
  }
}

/** What "done" meant for this operation, said of one item. */
export function doneWords(operation: BulkOperation, target: string): string {
  switch (operation) {
    case 'remove-users-from-group':
      return `removed from ${target}`;
    case 'add-customers-to-desk':
      return `added to ${target}`;
    case 'remove-customers-from-desk':
      return `removed from ${target}`;
    default:
      return `added to ${target}`;
  }
}

export const OUTCOME_LABELS: Record<ItemOutcome, string> = AUDIT_RESULT_LABELS;
