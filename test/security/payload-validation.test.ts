import { AppFailure } from '../../src/invocation/app-error';
import { asPayload, field, type Payload } from '../../src/invocation/validate';

/**
 * Payload validation, rule by rule: what each field helper accepts (the typed value, unchanged), what it
 * refuses, and the exact INVALID_INPUT message the administrator sees. Text and list bounds are checked at
 * the limit and one past it; ID formats at every character class and length edge.
 */

/** The refusal a call throws: its code and message (fails the test if the call returns). */
function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (!(err instanceof AppFailure)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error('expected the input to be refused');
}

const invalid = (message: string) => ({ code: 'INVALID_INPUT', message });
const ACCOUNT_ID = '712020:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const GROUP_ID = '5f3c6a2e-1b4d-4e8f-9a7b-0c1d2e3f4a5b';
const JOB_ID = '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0';

describe('asPayload: the request body', () => {
  it('treats a missing body as empty and passes an object through as it is', () => {
    expect(asPayload(undefined)).toEqual({});
    expect(asPayload(null)).toEqual({});
    const body = { a: 1 };
    expect(asPayload(body)).toBe(body);
  });

  it.each([['text'], [0], [false], [[]], [['a']]])('refuses %j: the request must be an object', (body) => {
    expect(refusal(() => asPayload(body))).toEqual(invalid('The request must be an object.'));
  });

  it('field.object reads a nested object the same way', () => {
    expect(field.object({ filters: { status: 'active' } }, 'filters')).toEqual({ status: 'active' });
    expect(field.object({}, 'filters')).toEqual({});
    expect(refusal(() => field.object({ filters: 'active' }, 'filters'))).toEqual(
      invalid('The request must be an object.'),
    );
  });
});

describe('text fields', () => {
  it('answers the text unchanged', () => {
    expect(field.string({ name: ' Bots ' }, 'name')).toBe(' Bots ');
    expect(field.optionalString({ name: 'Bots' }, 'name')).toBe('Bots');
  });

  it.each([[undefined], [null], ['']])('a required field given %j is refused as required', (v) => {
    expect(refusal(() => field.string({ name: v }, 'name'))).toEqual(invalid('name is required.'));
  });

  it.each([[undefined], [null], ['']])('an optional field given %j is absent', (v) => {
    expect(field.optionalString({ name: v }, 'name')).toBeUndefined();
  });

  it.each([[0], [false], [['a']], [{ a: 1 }]])('%j is refused: not text', (v) => {
    expect(refusal(() => field.string({ name: v }, 'name'))).toEqual(invalid('name must be text.'));
    expect(refusal(() => field.optionalString({ name: v }, 'name'))).toEqual(invalid('name must be text.'));
  });

  it('holds at most 200 characters unless the field says otherwise', () => {
    expect(field.string({ q: 'x'.repeat(200) }, 'q')).toHaveLength(200);
    expect(refusal(() => field.string({ q: 'x'.repeat(201) }, 'q'))).toEqual(
      invalid('q is too long (200 characters at most).'),
    );
    expect(field.optionalString({ q: 'x'.repeat(200) }, 'q')).toHaveLength(200);
    expect(refusal(() => field.optionalString({ q: 'x'.repeat(201) }, 'q'))).toEqual(
      invalid('q is too long (200 characters at most).'),
    );
  });

  it('holds at most the field’s own limit, counted in UTF-16 code units', () => {
    expect(field.string({ product: 'x'.repeat(64) }, 'product', 64)).toHaveLength(64);
    expect(refusal(() => field.string({ product: 'x'.repeat(65) }, 'product', 64))).toEqual(
      invalid('product is too long (64 characters at most).'),
    );
    expect(field.optionalString({ cursor: 'c'.repeat(2000) }, 'cursor', 2000)).toHaveLength(2000);
    expect(refusal(() => field.optionalString({ cursor: 'c'.repeat(2001) }, 'cursor', 2000))).toEqual(
      invalid('cursor is too long (2000 characters at most).'),
    );
    // An emoji is two code units: 32 of them fill 64.
    expect(field.string({ product: '🙂'.repeat(32) }, 'product', 64)).toBe('🙂'.repeat(32));
    expect(refusal(() => field.string({ product: `${'🙂'.repeat(32)}x` }, 'product', 64))).toEqual(
      invalid('product is too long (64 characters at most).'),
    );
  });

  describe('half of a surrogate pair (JSON carries it; it is not text)', () => {
    const NOT_TEXT = invalid('name contains a character that is not valid text.');
    it.each([
      ['a lone high half, first of its range', '\ud800'],
      ['a lone high half, last of its range', '\udbff'],
      ['a lone low half, first of its range', '\udc00'],
      ['a lone low half, last of its range', '\udfff'],
      ['a high half followed by a letter', 'a\ud800b'],
      ['a high half at the end', 'ab\udbff'],
      ['a low half after a letter', 'a\udc00b'],
      ['a low half at the start', '\udfffab'],
      ['a pair in the wrong order', '\udc00\ud800'],
      ['two high halves', '\ud800\udbff'],
      ['a valid pair followed by a lone low half', '\ud83d\ude42\ude42'],
    ])('%s is refused', (_label, text) => {
      expect(refusal(() => field.string({ name: text }, 'name'))).toEqual(NOT_TEXT);
      expect(refusal(() => field.optionalString({ name: text }, 'name'))).toEqual(NOT_TEXT);
    });

    it.each([
      ['the lowest pair', '\ud800\udc00'],
      ['high at its lowest, low at its highest', '\ud800\udfff'],
      ['high at its highest, low at its lowest', '\udbff\udc00'],
      ['the highest pair', '\udbff\udfff'],
      ['an emoji between letters', 'a🙂b'],
      ['two emoji', '🙂🙂'],
      ['text around the surrogate range', '\ud7ff\ue000'],
    ])('%s is accepted', (_label, text) => {
      expect(field.string({ name: text }, 'name')).toBe(text);
    });
  });
});

describe('account IDs', () => {
  it.each([
    ['a modern account ID', ACCOUNT_ID],
    ['a classic 24-hex account ID', '5b10ac8d82e05b22cc7d4ef5'],
    ['every allowed character', 'AZaz09:_-'],
    ['one character', 'a'],
    ['128 characters', 'a'.repeat(128)],
  ])('accepts %s', (_label, id) => {
    expect(field.accountId({ accountId: id })).toBe(id);
    expect(field.accountId({ actor: id }, 'actor')).toBe(id);
  });

  it.each([
    ['a space', '712020:abc def'],
    ['a slash (a path)', '../rest/api/3/user'],
    ['an email', 'someone@example.com'],
    ['a query string', 'a&accountId=x'],
    ['a dot', 'a.b'],
    ['a leading space', ' abc'],
    ['a trailing line break', 'abc\n'],
    ['a non-ASCII letter', 'abcé'],
  ])('refuses %s as not an account ID', (_label, id) => {
    expect(refusal(() => field.accountId({ accountId: id }))).toEqual(
      invalid('accountId is not an Atlassian account ID.'),
    );
    expect(refusal(() => field.accountId({ actor: id }, 'actor'))).toEqual(
      invalid('actor is not an Atlassian account ID.'),
    );
  });

  it('refuses 129 characters as too long, and a missing or non-text ID', () => {
    expect(refusal(() => field.accountId({ accountId: 'a'.repeat(129) }))).toEqual(
      invalid('accountId is too long (128 characters at most).'),
    );
    expect(refusal(() => field.accountId({}))).toEqual(invalid('accountId is required.'));
    expect(refusal(() => field.accountId({ accountId: 7 }))).toEqual(invalid('accountId must be text.'));
  });
});

describe('group IDs', () => {
  it.each([
    ['a group UUID', GROUP_ID],
    ['every allowed character', 'AZaz09-'],
    ['one character', 'g'],
    ['128 characters', 'g'.repeat(128)],
  ])('accepts %s', (_label, id) => {
    expect(field.groupId({ groupId: id })).toBe(id);
    expect(field.groupId({ owningGroupId: id }, 'owningGroupId')).toBe(id);
  });

  it.each([
    ['a colon (an account ID)', '712020:abc'],
    ['an underscore', 'a_b'],
    ['a group name with a space', 'jira users'],
    ['a slash', 'a/b'],
    ['a trailing line break', 'abc\n'],
  ])('refuses %s as not a group ID', (_label, id) => {
    expect(refusal(() => field.groupId({ groupId: id }))).toEqual(invalid('groupId is not a group ID.'));
    expect(refusal(() => field.groupId({ owningGroupId: id }, 'owningGroupId'))).toEqual(
      invalid('owningGroupId is not a group ID.'),
    );
  });

  it('refuses 129 characters as too long, and a missing ID', () => {
    expect(refusal(() => field.groupId({ groupId: 'g'.repeat(129) }))).toEqual(
      invalid('groupId is too long (128 characters at most).'),
    );
    expect(refusal(() => field.groupId({}))).toEqual(invalid('groupId is required.'));
  });
});

describe('job IDs', () => {
  it.each([[JOB_ID], ['0123456789abcdef-0123456789abcdef-00'], ['-'.repeat(36)]])('accepts %j', (id) => {
    expect(field.jobId({ jobId: id })).toBe(id);
  });

  it.each([
    ['upper-case hex', JOB_ID.toUpperCase()],
    ['a letter past f', `${JOB_ID.slice(0, 35)}g`],
    ['35 characters', JOB_ID.slice(1)],
    ['a space', `${JOB_ID.slice(0, 35)} `],
    ['an underscore', `${JOB_ID.slice(0, 35)}_`],
  ])('refuses %s', (_label, id) => {
    expect(refusal(() => field.jobId({ jobId: id }))).toEqual(invalid('jobId is not a job ID.'));
  });

  it('refuses 37 characters, text past 200 characters as too long, and a missing ID', () => {
    expect(refusal(() => field.jobId({ jobId: `${JOB_ID}0` }))).toEqual(invalid('jobId is not a job ID.'));
    expect(refusal(() => field.jobId({ jobId: `x${JOB_ID}` }))).toEqual(invalid('jobId is not a job ID.'));
    expect(refusal(() => field.jobId({ jobId: '0'.repeat(201) }))).toEqual(
      invalid('jobId is too long (200 characters at most).'),
    );
    expect(refusal(() => field.jobId({}))).toEqual(invalid('jobId is required.'));
  });
});

describe('true or false', () => {
  it('is false when absent and the value when a boolean', () => {
    expect(field.bool({}, 'confirmLicence')).toBe(false);
    expect(field.bool({ confirmLicence: true }, 'confirmLicence')).toBe(true);
    expect(field.bool({ confirmLicence: false }, 'confirmLicence')).toBe(false);
  });

  it.each([[null], ['true'], [1], [0], [{}]])('refuses %j', (v) => {
    expect(refusal(() => field.bool({ confirmLicence: v }, 'confirmLicence'))).toEqual(
      invalid('confirmLicence must be true or false.'),
    );
  });
});

describe('whole numbers within bounds', () => {
  const RANGE = invalid('pageSize must be a whole number from 1 to 200.');
  it('is absent when absent, and the number at and inside the bounds', () => {
    expect(field.optionalInt({}, 'pageSize', 1, 200)).toBeUndefined();
    expect(field.optionalInt({ pageSize: 1 }, 'pageSize', 1, 200)).toBe(1);
    expect(field.optionalInt({ pageSize: 200 }, 'pageSize', 1, 200)).toBe(200);
    expect(field.optionalInt({ pageSize: 50 }, 'pageSize', 1, 200)).toBe(50);
  });

  it.each([[0], [201], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['50'], [null], [true]])(
    'refuses %j',
    (v) => {
      expect(refusal(() => field.optionalInt({ pageSize: v }, 'pageSize', 1, 200))).toEqual(RANGE);
    },
  );
});

describe('one of a fixed set', () => {
  const STATUS = ['active', 'inactive'] as const;
  it('is absent when optional and absent; the value when listed', () => {
    expect(field.oneOf({}, 'status', STATUS)).toBeUndefined();
    expect(field.oneOf({ status: 'inactive' }, 'status', STATUS)).toBe('inactive');
    expect(field.oneOf({ status: 'active' }, 'status', STATUS, false)).toBe('active');
  });

  it('refuses a value not listed, another type, or absence when required, naming the choices', () => {
    const choices = invalid('status must be one of: active, inactive.');
    expect(refusal(() => field.oneOf({}, 'status', STATUS, false))).toEqual(choices);
    expect(refusal(() => field.oneOf({ status: 'Active' }, 'status', STATUS))).toEqual(choices);
    expect(refusal(() => field.oneOf({ status: null }, 'status', STATUS))).toEqual(choices);
    expect(refusal(() => field.oneOf({ status: ['active'] }, 'status', STATUS))).toEqual(choices);
    expect(refusal(() => field.oneOf({ status: 'toString' }, 'status', STATUS))).toEqual(choices);
  });
});

describe('lists of IDs', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => `712020:acc-${i}`);
  const groups = (n: number) => Array.from({ length: n }, (_, i) => `group-${i}`);

  it('answers the list unchanged, up to and including its limit (empty too)', () => {
    expect(field.ids({ accountIds: accounts(5) }, 'accountIds', 'account', 5)).toEqual(accounts(5));
    expect(field.ids({ groupIds: groups(200) }, 'groupIds', 'group', 200)).toHaveLength(200);
    expect(field.ids({ accountIds: [] }, 'accountIds', 'account', 5)).toEqual([]);
  });

  it('refuses one entry past the limit, naming it', () => {
    expect(refusal(() => field.ids({ accountIds: accounts(6) }, 'accountIds', 'account', 5))).toEqual(
      invalid('accountIds may hold at most 5 entries.'),
    );
    expect(refusal(() => field.ids({ groupIds: groups(201) }, 'groupIds', 'group', 200))).toEqual(
      invalid('groupIds may hold at most 200 entries.'),
    );
  });

  it.each([[undefined], [null], ['712020:acc-1'], [{ 0: 'a', length: 1 }]])('refuses %j: not a list', (v) => {
    expect(refusal(() => field.ids({ accountIds: v }, 'accountIds', 'account', 5))).toEqual(
      invalid('accountIds must be a list.'),
    );
  });

  const NOT_ACCOUNT = invalid('accountIds holds something that is not an account ID.');
  const NOT_GROUP = invalid('groupIds holds something that is not a group ID.');

  it.each([
    ['an empty entry', ''],
    ['a number', 7],
    ['null', null],
    ['an email', 'someone@example.com'],
    ['129 characters', 'a'.repeat(129)],
    ['a path', '../x'],
    ['a trailing line break', 'abc\n'],
  ])('an account list holding %s is refused', (_label, bad) => {
    expect(refusal(() => field.ids({ accountIds: ['712020:ok', bad] }, 'accountIds', 'account', 5))).toEqual(
      NOT_ACCOUNT,
    );
  });

  it.each([
    ['an empty entry', ''],
    ['an account ID (colon)', '712020:abc'],
    ['an underscore', 'a_b'],
    ['129 characters', 'g'.repeat(129)],
    ['a number', 1],
  ])('a group list holding %s is refused', (_label, bad) => {
    expect(refusal(() => field.ids({ groupIds: ['group-1', bad] }, 'groupIds', 'group', 5))).toEqual(NOT_GROUP);
  });

  it('checks each entry against its own kind: 128 characters and every allowed character pass', () => {
    const longAccount = 'a'.repeat(128);
    const longGroup = 'g'.repeat(128);
    expect(field.ids({ accountIds: [longAccount, 'AZaz09:_-'] }, 'accountIds', 'account', 5)).toEqual([
      longAccount,
      'AZaz09:_-',
    ]);
    expect(field.ids({ groupIds: [longGroup, 'AZaz09-'] }, 'groupIds', 'group', 5)).toEqual([longGroup, 'AZaz09-']);
    // An account ID in a group list, and a group-only list in an account list.
    expect(refusal(() => field.ids({ groupIds: ['712020:abc'] }, 'groupIds', 'group', 5))).toEqual(NOT_GROUP);
    expect(field.ids({ accountIds: ['712020:abc'] }, 'accountIds', 'account', 5)).toEqual(['712020:abc']);
  });
});

describe('a payload field of another name is never read', () => {
  it('reads only the named field', () => {
    const p: Payload = { name: 'x', other: 'y'.repeat(500) };
    expect(field.string(p, 'name')).toBe('x');
  });
});
