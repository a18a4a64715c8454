import agreements from '../../commands/agreements';
import { lineText, type Reply } from '../../src/messages/reply';
import { UserError } from '../../src/domain/user-error';
import { commandWorld, type CommandWorld } from '../helpers/command-context';
import { loadSnapshot } from '../helpers/fixtures';

const fieldText = (reply: Reply, name: string) => {
  for (const b of reply.blocks) if (b.kind === 'fields') for (const f of b.fields) if (f.name === name) return lineText(f.value);
  return undefined;
};
const listItems = (reply: Reply) => reply.blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(lineText) : []));

describe('/agreements on the 2025-12-12 list', () => {
  let world: CommandWorld;
  let texas: Awaited<ReturnType<typeof loadSnapshot>>['rows'];
  beforeAll(async () => {
    world = await commandWorld();
    texas = (await loadSnapshot('participatingAgencies12122025pm.xlsx')).rows.filter((r) => r.stateCode === 'TX');
  });
  afterAll(() => world.close());

  test('texas: the count, the split by model, pending, newest signings with MOA links, paged by 10', async () => {
    const reply = await agreements.run(world.ctx(), { state: 'texas' });
    expect(reply.title).toBe(`Texas: ${texas.length} active 287(g) agreements`);
    const jem = texas.filter((r) => r.model === 'JEM').length;
    const tfm = texas.filter((r) => r.model === 'TFM').length;
    expect(fieldText(reply, 'By model')).toBe(`JEM ${jem} · TFM ${tfm} · WSO ${texas.length - jem - tfm}`);
    expect(fieldText(reply, 'Pending requests')).toMatch(/^\d+$/);
    const items = listItems(reply);
    expect(items).toHaveLength(10);
    const newest = [...texas].sort((a, b) => (b.signed ?? '').localeCompare(a.signed ?? ''))[0];
    expect(items[0]).toContain(`signed ${newest.signed}`);
    expect(reply.paging).toEqual({ command: 'agreements', args: { state: 'texas' }, page: 1, pages: Math.ceil(texas.length / 10) });
    expect(reply.footer).toMatch(/participatingAgencies12122025pm\.xlsx/);
  });

  test('page 2 continues where page 1 stopped; a page past the end shows the last', async () => {
    const p1 = listItems(await agreements.run(world.ctx(), { state: 'TX' }));
    const p2 = listItems(await agreements.run(world.ctx(), { state: 'TX', page: '2' }));
    expect(p2).toHaveLength(10);
    expect(p2).not.toContain(p1[9]);
    const last = await agreements.run(world.ctx(), { state: 'TX', page: '999' });
    expect(last.paging?.page).toBe(last.paging?.pages);
  });

  test('filters: model, since, county', async () => {
    const county = texas.find((r) => r.model === 'WSO' && (r.signed ?? '') >= '2025-09-01' && r.county)!.county!;
    const short = county.replace(/ County$/, '').toUpperCase(); // "BEXAR" finds "Bexar County"
    const reply = await agreements.run(world.ctx(), { state: 'tx', model: 'wso', since: '2025-09-01', county: short });
    const expected = texas.filter((r) => r.model === 'WSO' && (r.signed ?? '') >= '2025-09-01' && r.county === county);
    expect(expected.length).toBeGreaterThan(0);
    expect(reply.title).toBe(
      `Texas: ${expected.length} active 287(g) ${expected.length === 1 ? 'agreement' : 'agreements'} (WSO, ${short}, since 2025-09-01)`,
    );
  });

  test('all: the national table by state, largest first', async () => {
    const reply = await agreements.run(world.ctx(), { state: 'all' });
    expect(reply.title).toMatch(/^1245 active 287\(g\) agreements in \d+ states and territories$/);
    expect(listItems(reply)[0]).toMatch(/^Florida \d+ · JEM/);
  });

  test('all county:X applies the county in every state, and says so', async () => {
    const all = (await loadSnapshot('participatingAgencies12122025pm.xlsx')).rows;
    const madison = all.filter((r) => r.county !== null && /^madison( county)?$/i.test(r.county.trim()));
    const states = new Set(madison.map((r) => r.state));
    expect(states.size).toBeGreaterThan(1); // Madison County in Arkansas, Florida, Georgia...
    const reply = await agreements.run(world.ctx(), { state: 'all', county: 'Madison' });
    expect(reply.title).toBe(`${madison.length} active 287(g) agreements in ${states.size} states and territories (Madison)`);
    expect(
      listItems(reply)
        .map((line) => line.replace(/ \d+ · .*$/, ''))
        .sort(),
    ).toEqual([...states].sort());
  });

  test.each([
    [{ state: 'all', county: 'Nowhere County' }, 'No agreements in any state list a county "Nowhere County".'],
    [{ state: 'Texs' }, 'Unknown state "Texs". Did you mean Texas?'],
    [{ state: '' }, 'Name a state'],
    [{ state: 'texas', model: 'XYZ' }, 'Unknown model "XYZ"'],
    [{ state: 'texas', since: 'last week' }, '"last week" is not a date'],
    [
      { state: 'alabama', county: 'Harris County' },
      'No agreements list a county "Harris County" in Alabama. ICE lists Harris County in Georgia',
    ],
    [{ state: 'texas', page: 'two' }, '"two" is not a page number'],
  ])('%j is a UserError: %s', async (args, message) => {
    const run = agreements.run(world.ctx(), args);
    await expect(run).rejects.toThrow(UserError);
    await expect(agreements.run(world.ctx(), args)).rejects.toThrow(message);
  });

  test('before the first poll it says so', async () => {
    const fresh = { ...world.ctx(), services: { ...world.ctx().services, snapshots: { ...world.snapshots, getState: async () => null } } };
    await expect(agreements.run(fresh, { state: 'texas' })).rejects.toThrow('No 287(g) list has been fetched yet');
  });
});
