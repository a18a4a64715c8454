import { alertTitle, buildStateAlerts } from '../../../src/domain/alerts/alerts';
import type { ListEvent } from '../../../src/domain/agreements/events';
import { EMBED_LIMITS } from '../../../src/platforms/discord/render-reply';
import { ev } from '../../helpers/alert-events';

const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
const moved = (agency: string): ListEvent => ({
  ...(ev.renamed(agency, agency, 'moved-state') as Extract<ListEvent, { type: 'agreement.renamed' }>),
  previousState: 'Montana',
  previousStateCode: 'MT',
});

describe('alertTitle', () => {
  test.each<[string, ListEvent[], string]>([
    ['signings alone', times(3, (i) => ev.signed(`A${i}`)), '3 new 287(g) agreements in Florida'],
    ['one signing', [ev.signed('A')], '1 new 287(g) agreement in Florida'],
    [
      'changes to agreements that stay, in reading order',
      [ev.renamed('B0', 'B', 'same-document'), ev.renewed('C', '2024-01-01', null), ev.signed('A'), moved('D')],
      '1 new, 1 renewed, 1 renamed, 1 moved 287(g) agreements in Florida',
    ],
    [
      'signings and a row gone: "no longer on ICE\'s list", never "ended"',
      [ev.signed('A'), ev.signed('B'), ev.ended('C', null)],
      "2 new 287(g) agreements in Florida; 1 no longer on ICE's list",
    ],
    [
      'a row back and two dates corrected after a renewal',
      [
        ev.renewed('A', '2024-01-01', null),
        ev.relisted('B', '2025-05-29T09:00:00Z'),
        ev.corrected('C', '2025-06-01', 'same-document'),
        ev.corrected('D', '2025-06-01', 'same-document'),
      ],
      "1 renewed 287(g) agreement in Florida; 1 back on ICE's list, 2 date corrected",
    ],
    ['a row gone, alone', [ev.ended('A', '2025-06-02T13:05:00Z')], "287(g) agreement in Florida: 1 no longer on ICE's list"],
    [
      'rows back and gone, alone',
      [ev.relisted('A', '2025-05-29T09:00:00Z'), ev.ended('B', null), ev.ended('C', null)],
      "287(g) agreements in Florida: 2 no longer on ICE's list, 1 back on ICE's list",
    ],
    [
      'a date corrected, alone',
      [ev.corrected('A', '2025-02-26', 'same-name', { moaUrl: null })],
      '287(g) agreement in Florida: 1 date corrected',
    ],
    ['pending requests alone name the state', [ev.pendingAdded('A'), ev.pendingAdded('B')], '2 new pending 287(g) requests in Florida'],
    [
      'pending requests after agreements do not name it twice',
      [ev.signed('A'), ev.pendingAdded('B')],
      '1 new 287(g) agreement in Florida; 1 new pending 287(g) request',
    ],
    [
      "a state's first agreement",
      [ev.signed('A'), { type: 'state.first', state: 'Florida', stateCode: 'FL', total: 1 }],
      'First 287(g) agreement in Florida: 1 new agreement',
    ],
    [
      'a state whose last row left the list',
      [ev.ended('A', null), ev.ended('B', null), { type: 'state.cleared', state: 'Florida', stateCode: 'FL', previousTotal: 2 }],
      "Florida has no 287(g) agreement left on ICE's list (2 agreements no longer listed)",
    ],
    [
      'a state whose agreement moved away',
      [moved('A'), { type: 'state.cleared', state: 'Florida', stateCode: 'FL', previousTotal: 1 }],
      "Florida has no 287(g) agreement left on ICE's list",
    ],
    [
      'state.first without a signing is no "first agreement" (a row back)',
      [ev.relisted('A', '2025-05-29T09:00:00Z'), { type: 'state.first', state: 'Florida', stateCode: 'FL', total: 1 }],
      "287(g) agreement in Florida: 1 back on ICE's list",
    ],
  ])('%s', (_, events, title) => {
    expect(alertTitle('Florida', events)).toBe(title);
  });

  test("the longest title (999 of every kind, the longest state name) fits Discord's 256 characters", () => {
    const kinds: Array<(i: number) => ListEvent> = [
      (i) => ev.signed(`S${i}`),
      (i) => ev.renewed(`R${i}`, null, null),
      (i) => ev.renamed(`O${i}`, `N${i}`, 'near-name'),
      (i) => moved(`M${i}`),
      (i) => ev.ended(`E${i}`, null),
      (i) => ev.relisted(`L${i}`, '2025-05-29T09:00:00Z'),
      (i) => ev.corrected(`C${i}`, null, 'same-document'),
      (i) => ({ ...ev.pendingAdded(`P${i}`), type: 'pending.signed', signedOn: null }) as ListEvent,
      (i) => ev.pendingAdded(`Q${i}`),
      (i) => ({ ...ev.pendingAdded(`W${i}`), type: 'pending.removed' }) as ListEvent,
    ];
    const title = alertTitle(
      'Northern Mariana Islands',
      kinds.flatMap((k) => times(999, k)),
    );
    expect(title).toBe(
      "999 new, 999 renewed, 999 renamed, 999 moved 287(g) agreements in Northern Mariana Islands; 999 no longer on ICE's list, 999 back on ICE's list, 999 date corrected; " +
        '999 signed, 999 new, 999 withdrawn or removed pending 287(g) requests',
    );
    expect(title.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
  });

  test("buildStateAlerts titles each state's alert with alertTitle of its own events", () => {
    const texas = ev.ended('Harris County', null, { state: 'Texas', stateCode: 'TX' });
    const alerts = buildStateAlerts({
      source: 'participating',
      events: [ev.signed('A'), texas],
      participating: [],
      pending: null,
      file: { fileName: 'f.xlsx', url: 'https://www.ice.gov/f.xlsx', fetchedAt: '2025-06-03T21:04:11.000Z', sha256: 'x' },
    });
    expect(alerts.map((a) => a.title)).toEqual([
      '1 new 287(g) agreement in Florida',
      "287(g) agreement in Texas: 1 no longer on ICE's list",
    ]);
  });
});
