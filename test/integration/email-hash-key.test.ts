/**
 * The directory index's email-hash key is created once per installation, even when two containers' first
 * uses meet: the second's create-only write is refused and it hashes with the key the first stored, so an
 * index entry is never made with a key that is then overwritten.
 */
import { createHmac } from 'node:crypto';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { LocalSite } from '../../local/local-site';
import { emailHasher } from '../../src/features/directory-index/directory-store';
import { startTestSite } from '../support/site';

const SECRET = 'dir-email-hmac-key';

describe('the email-hash key', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 20, groups: 2 } });
  });
  afterAll(async () => site.close());

  it('is the one another container stored between this one’s read and its write', async () => {
    const request = site.kvs.request.bind(site.kvs);
    const planted = 'ab'.repeat(32);
    let raced = false;
    // Another container's first use lands right after this one found no key.
    site.kvs.request = async (path, body) => {
      const answer = await request(path, body);
      if (
        !raced &&
        path === '/api/v1/secret/get' &&
        (body as { key?: string }).key === SECRET &&
        answer.status === 404
      ) {
        raced = true;
        await request('/api/v1/secret/set', { key: SECRET, value: planted });
      }
      return answer;
    };
    const hash = await runInvocation({ moduleKey: 'test', timeoutMs: 25_000 }, async () =>
      (await emailHasher())('Someone@Example.com'),
    );
    site.kvs.request = request;
    expect(raced).toBe(true);
    const expected = createHmac('sha256', Buffer.from(planted, 'hex'))
      .update('someone@example.com', 'utf8')
      .digest('hex')
      .slice(0, 20);
    expect(hash).toBe(expected);
    const stored = await request('/api/v1/secret/get', { key: SECRET });
    expect((stored.body as { value?: unknown }).value).toBe(planted);
  });

  it('stays the same on every later use', async () => {
    const hashes = await Promise.all(
      [1, 2, 3].map(() =>
        runInvocation({ moduleKey: 'test', timeoutMs: 25_000 }, async () => (await emailHasher())('a@example.com')),
      ),
    );
    expect(new Set(hashes).size).toBe(1);
  });
});
