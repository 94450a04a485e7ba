import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { NAMED_USERS, DEFAULT_API_TOKEN } from '../../local/jira-sim/seed';

/**
 * The simulator's lost-response fault: the write is applied, then the connection is reset before the
 * answer, only for matching requests, at most `times` times.
 */
describe('simulator lost-response fault', () => {
  let sim: Simulator;
  const auth = `Basic ${Buffer.from(`${NAMED_USERS.siteAdmin.email}:${DEFAULT_API_TOKEN}`).toString('base64')}`;
  const groupName = () => [...sim.state.groups.values()][0]?.name as string;
  const members = (name: string) =>
    [...sim.state.groups.values()].find((g) => g.name === name)?.members ?? new Set<string>();

  beforeAll(async () => {
    sim = await startSimulator({ seed: { users: 50, groups: 5, serviceDesks: 1 } });
  });
  afterAll(() => sim.close());

  const add = (accountId: string) =>
    fetch(`${sim.url}/rest/api/3/group/user?groupname=${encodeURIComponent(groupName())}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId }),
    });

  it('applies a matching write, resets the connection, and answers the next one (times: 1)', async () => {
    sim.faults.configure({ lostResponses: [{ method: 'POST', path: '/rest/api/3/group/user', times: 1 }] });
    const target = NAMED_USERS.regular.accountId;
    await expect(add(target)).rejects.toThrow();
    expect(members(groupName()).has(target)).toBe(true);
    expect(sim.faults.lost).toEqual([{ method: 'POST', path: '/rest/api/3/group/user', status: 201 }]);
    const lostEntry = sim.meter.requests.find((r) => r.lost);
    expect(lostEntry).toMatchObject({ method: 'POST', status: 201, lost: true });
    // The rule is used up: the repeat gets Jira's answer (already a member).
    const again = await add(target);
    expect(again.status).toBe(400);
  });

  it('does not drop reads, refused writes or requests that do not match', async () => {
    sim.faults.configure({ lostResponses: [{ path: /^\/rest\/api\/3\/group\/user$/ }] });
    const read = await fetch(`${sim.url}/rest/api/3/myself`, { headers: { Authorization: auth } });
    expect(read.status).toBe(200);
    const refused = await add(NAMED_USERS.regular.accountId); // already a member: 400, nothing applied
    expect(refused.status).toBe(400);
    expect(sim.faults.lost).toEqual([]);
    sim.faults.configure({});
  });
});
