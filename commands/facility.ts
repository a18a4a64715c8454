import { releasesWithFacilities } from '../src/domain/facilities/state-figures';
import { searchFacilities } from '../src/domain/facilities/facility-search';
import { cleanText } from '../src/domain/text';
import { UserError } from '../src/domain/user-error';
import { facilityHistoryReply } from '../src/messages/facility-history-message';
import { sourceFooter } from '../src/messages/format';
import { NothingStoredError, type Command, type CommandContext } from './command';

/** The longest name asked for: ICE's longest facility name is about 60 characters. */
const MAX_QUERY = 100;

/** `/facility <name>`: one facility's history across ICE's releases (ADP, type, names), with autocomplete on Discord. */
export default {
  name: 'facility',
  description: "One ICE detention facility's history across releases: ADP, type, renames",
  permission: 'anyone',
  usage: 'karnes county',
  options: [{ name: 'name', description: 'Part of the facility name, e.g. "karnes"', type: 'text', required: true, autocomplete: true }],
  async run(ctx, args) {
    const query = cleanText(args.name ?? '');
    if (!query) throw new UserError('Name a facility, or part of its name: "karnes", "delaney hall".');
    if (query.length > MAX_QUERY) throw new UserError(`A facility name is at most ${MAX_QUERY} characters.`);
    const { stored, releases } = await listedReleases(ctx.services);
    const found = searchFacilities(releases, query);
    if (!found.length) throw new UserError(`No facility in ICE's lists matches "${query}".`);
    const latest = stored.at(-1)!;
    return facilityHistoryReply(
      query,
      found,
      releases,
      sourceFooter(latest, { list: 'detention statistics', readFromDisk: ctx.services.readFromDisk }),
    );
  },
  async suggest(services, _option, typed) {
    const { releases } = await listedReleases(services).catch(() => ({ releases: [] }));
    return searchFacilities(releases, typed || 'a')
      .slice(0, 25)
      .map((f) => {
        const row = f.points.at(-1)!.row;
        return { name: `${row.name}, ${row.city}, ${row.state}`.slice(0, 100), value: row.name.slice(0, 100) };
      });
  },
} satisfies Command;

async function listedReleases(services: Pick<CommandContext['services'], 'totals'>) {
  if (!services.totals) throw new UserError('Detention statistics are not available here.');
  const stored = releasesWithFacilities((await services.totals.releases()).map((r) => ({ ...r, ...r.release })));
  if (!stored.length)
    throw new NothingStoredError("No ICE facility list is stored yet. Try again after the next poll of ICE's detention-management page.");
  return { stored, releases: stored };
}
