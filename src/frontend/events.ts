/**
 * UI Kit input events arrive serialised (`{ target: { value, checked } }`); these read them safely.
 */
export interface FieldEvent {
  target: { value?: unknown; checked?: boolean };
}

export const valueOf = (e: FieldEvent): string =>
  typeof e.target.value === 'string' ? e.target.value : String(e.target.value ?? '');
export const checkedOf = (e: FieldEvent): boolean => e.target.checked === true;
