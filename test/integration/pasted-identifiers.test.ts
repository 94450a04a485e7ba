import type { Envelope, ResolvedIdentifier } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { pastedIdentifiers } from '../../src/features/people/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

/**
 * Administrators paste addresses straight from a mail client's To: line (`Ada Admin <ada@…>; …`). Each
 * such address resolves as its email; the display name's words are not looked up as legacy usernames.
 */
describe('pasting addresses copied from a mail client', () => {
  it('keeps only the address of `Name <email>`, quoted names with commas and mailto: links', () => {
    expect(
      pastedIdentifiers(
        'Ada Admin <ada@example.com>; "Andersen, Bea" <bea@example.com>, mailto:cy@example.com\nplain@example.com legacy.user',
      ),
    ).toEqual(['ada@example.com', 'bea@example.com', 'cy@example.com', 'plain@example.com', 'legacy.user']);
  });

  it('keeps a line of words that holds no email or account ID as one entry, and splits lines of identifiers', () => {
    expect(
      pastedIdentifiers(
        'not an email\na@example.com b@example.com\n557058:0f1e2d3c-aaaa-bbbb-cccc-1234567890ab x@example.com\nold.user',
      ),
    ).toEqual([
      'not an email',
      'a@example.com',
      'b@example.com',
      '557058:0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      'x@example.com',
      'old.user',
    ]);
  });

  describe('on the local site', () => {
    let site: LocalSite;
    beforeAll(async () => {
      site = await startTestSite();
    });
    afterAll(() => site.close());

    it('resolves each copied address to its account and reports nothing else', async () => {
      const { siteAdmin, regular } = NAMED_USERS;
      const rows = await ok(
        invokeAs<Envelope<ResolvedIdentifier[]>>(site, siteAdmin.accountId, 'resolveIdentifiers', {
          text: `Ada Admin <${siteAdmin.email}>; "Regular, Rita" <${regular.email}>`,
        }),
      );
      expect(rows.map((r) => [r.input, r.accountId])).toEqual([
        [siteAdmin.email, siteAdmin.accountId],
        [regular.email, regular.accountId],
      ]);
    });
  });
});
