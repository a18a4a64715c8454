import { lineText, type Line, type ReplyBlock } from '../../src/messages/reply';
import { ALERT_SECTIONS, alertToReply, digestToReply, eventLine } from '../../src/messages/alert-message';
import { buildDigest } from '../../src/domain/alerts/digest';
import type { ListEvent } from '../../src/domain/agreements/events';
import { ev, floridaAlert } from '../helpers/alert-events';

const MOA = (name: string) => ({ link: `https://www.ice.gov/doclib/287gMOA/287gTFM_${name}.pdf`, text: 'MOA' });
const TFM = ' · Task Force Model (TFM)';

describe('eventLine: one line per agreement, with the evidence a reader can check', () => {
  test.each<[string, ListEvent, Line]>([
    [
      'a signing: agency, county, model, date and document',
      ev.signed('Walton County Sheriff', { county: 'Walton' }),
      [{ bold: 'Walton County Sheriff' }, ' (Walton)', TFM, ', signed 2025-06-02', ' · ', MOA('WaltonCountySheriff')],
    ],
    [
      'a row gone from the list: its document and when it was last listed',
      ev.ended('City of Miami Springs PD', '2025-06-02T13:05:44.000Z', { county: null }),
      [
        { bold: 'City of Miami Springs PD' },
        TFM,
        ', signed 2025-06-02',
        ', last listed 2025-06-02 13:05 UTC',
        ' · ',
        MOA('CityofMiamiSpringsPD'),
      ],
    ],
    [
      'a row gone, last-listed time unknown: no invented time',
      ev.ended('Quarryville PD', null, { county: null, moaUrl: null }),
      [{ bold: 'Quarryville PD' }, TFM, ', signed 2025-06-02'],
    ],
    [
      'a row back: since when it was missing, and its document',
      ev.relisted('Moore County Sheriff', '2025-05-29T09:12:00.000Z', { county: 'Moore' }),
      [
        { bold: 'Moore County Sheriff' },
        ' (Moore)',
        TFM,
        ', signed 2025-06-02',
        ": back on ICE's list, missing since 2025-05-29 09:12 UTC",
        ' · ',
        MOA('MooreCountySheriff'),
      ],
    ],
    [
      'a renewal: the new document and the one it replaces',
      ev.renewed('Lake County Sheriff', '2025-02-20', 'https://www.ice.gov/doclib/287gMOA/old.pdf', { county: null }),
      [
        { bold: 'Lake County Sheriff' },
        TFM,
        ', signed 2025-06-02',
        ' (previously signed 2025-02-20)',
        ' · ',
        MOA('LakeCountySheriff'),
        ' · ',
        { link: 'https://www.ice.gov/doclib/287gMOA/old.pdf', text: 'previous MOA' },
      ],
    ],
    [
      'a renewal whose previous document is the same link shows it once',
      ev.renewed('Lake County Sheriff', null, 'https://www.ice.gov/doclib/287gMOA/287gTFM_LakeCountySheriff.pdf', { county: null }),
      [
        { bold: 'Lake County Sheriff' },
        TFM,
        ', signed 2025-06-02',
        ' (previously signed on an unknown date)',
        ' · ',
        MOA('LakeCountySheriff'),
      ],
    ],
    [
      'a rename says why it is one agreement',
      ev.renamed('Okaloosa County Corrections', 'Okaloosa County BOCC', 'same-document', { county: null }),
      [
        'Okaloosa County Corrections',
        ' → ',
        { bold: 'Okaloosa County BOCC' },
        TFM,
        ', signed 2025-06-02',
        ', same MOA document',
        ' · ',
        MOA('OkaloosaCountyBOCC'),
      ],
    ],
    [
      'a move between states says why too',
      {
        ...(ev.renamed('Cass County SO', 'Cass County SO', 'moved-state', {
          county: null,
          state: 'Minnesota',
          stateCode: 'MN',
          moaUrl: null,
        }) as Extract<ListEvent, { type: 'agreement.renamed' }>),
        previousState: 'Montana',
        previousStateCode: 'MT',
      },
      [
        { bold: 'Cass County SO' },
        TFM,
        ', signed 2025-06-02',
        ': ICE now lists it under Minnesota, no longer Montana (same agency, model and SIGNED date; MOA link still pending)',
      ],
    ],
    [
      'a date corrected on the same document: old and new date, no "signed" twice',
      ev.corrected('Brevard County Sheriff', '2025-06-01', 'same-document', { county: null }),
      [
        { bold: 'Brevard County Sheriff' },
        TFM,
        ': SIGNED date 2025-06-01 → 2025-06-02 (same MOA document)',
        ' · ',
        MOA('BrevardCountySheriff'),
      ],
    ],
    [
      'a date corrected while the link is pending (St. Lucie, 2025-02-26)',
      ev.corrected("St. Lucie County Sheriff's Office", null, 'same-name', { county: null, moaUrl: null }),
      [
        { bold: "St. Lucie County Sheriff's Office" },
        TFM,
        ': SIGNED date (none) → 2025-06-02 (same agency and model; MOA link still pending)',
      ],
    ],
  ])('%s', (_, event, line) => {
    expect(eventLine(event)).toEqual(line);
  });
});

describe('alertToReply', () => {
  const events = [
    ev.corrected('D', '2025-06-01', 'same-document'),
    ev.renamed('E0', 'E', 'near-name'),
    ev.renewed('C', '2025-01-01', null),
    ev.relisted('B', '2025-05-29T09:00:00Z'),
    ev.ended('A', null),
    ev.signed('S'),
    ev.pendingAdded('P'),
  ];

  test('one list per kind of change, in reading order, under headings that claim only what is known', () => {
    const reply = alertToReply(floridaAlert(events));
    const lists = reply.blocks.filter((b): b is Extract<ReplyBlock, { kind: 'list' }> => b.kind === 'list');
    expect(lists.map((l) => [l.heading, l.items.map(lineText)[0].split(' (')[0], l.moreHint])).toEqual([
      ['New agreements', 'S', '(/agreements fl lists them all)'],
      ["No longer on ICE's list", 'A', '(/agreements fl lists them all)'],
      ["Back on ICE's list (not new)", 'B', '(/agreements fl lists them all)'],
      ['Renewed (a new agreement document)', 'C', '(/agreements fl lists them all)'],
      ['Renamed or moved by ICE (same agreement: not new, not ended)', 'E0 → E', '(/agreements fl lists them all)'],
      ['SIGNED date corrected by ICE (not a renewal)', 'D', '(/agreements fl lists them all)'],
      ['New pending requests', 'P', '(/agreements fl lists them all)'],
    ]);
    expect(reply.title).toBe(
      "1 new, 1 renewed, 1 renamed 287(g) agreements in Florida; 1 no longer on ICE's list, 1 back on ICE's list, 1 date corrected; 1 new pending 287(g) request",
    );
    expect(reply.tone).toBe('error');
    expect(alertToReply(floridaAlert([events[3]])).tone).toBe('info');
  });

  test('every kind of event an alert can carry has a section', () => {
    const kinds = new Set(ALERT_SECTIONS.map(([type]) => type));
    const all: Array<ListEvent['type']> = [
      'agreement.signed',
      'agreement.ended',
      'agreement.relisted',
      'agreement.renewed',
      'agreement.corrected',
      'agreement.renamed',
      'pending.added',
      'pending.removed',
      'pending.signed',
    ];
    expect(all.filter((t) => !kinds.has(t))).toEqual([]);
  });
});

test('digestToReply tags each line with its kind, in the order of the sections', () => {
  const digest = buildDigest('daily', '2025-06-03', [
    floridaAlert([
      ev.corrected('D', '2025-06-01', 'same-document'),
      ev.relisted('B', '2025-05-29T09:00:00Z'),
      ev.ended('A', null),
      ev.signed('S'),
    ]),
  ]);
  const list = digestToReply(digest).blocks[0] as Extract<ReplyBlock, { kind: 'list' }>;
  expect(list.heading).toBe("1 new 287(g) agreement in Florida; 1 no longer on ICE's list, 1 back on ICE's list, 1 date corrected");
  expect(list.items.map((l) => lineText(l).split(' (')[0])).toEqual([
    'new: S',
    "no longer on ICE's list: A",
    "back on ICE's list: B",
    'date corrected: D',
  ]);
});
