import fc from 'fast-check';
import type { Line, Reply } from '../../../src/messages/reply';
import { ALERT_SECTIONS, alertToReply } from '../../../src/messages/alert-message';
import type { ListEvent } from '../../../src/domain/agreements/events';
import { ev, floridaAlert, manySignings } from '../../helpers/alert-events';
import { readSections, sectionsOf } from '../../helpers/alert-sections';
import { errorReply } from '../../../src/messages/reply';
import { escapeMrkdwn, renderLine } from '../../../src/platforms/slack/mrkdwn';
import { decodePageValue } from '../../../src/platforms/slack/paging';
import { HEADER_MAX_CHARS, MAX_BLOCKS, MAX_LIST_ITEMS, renderReplyForSlack } from '../../../src/platforms/slack/render-reply';
import { expectWithinSlackLimits } from './slack-limits';

const EVIL = '*bold* <!everyone> <@U123> & <script>';

describe('renderReplyForSlack', () => {
  test('a paged reply renders as header, fields, list, buttons and footer, exactly', () => {
    const reply: Reply = {
      tone: 'info',
      title: 'Texas: 250 active 287(g) agreements',
      blocks: [
        {
          kind: 'fields',
          fields: [
            { name: 'By model', value: ['JEM 10 · TFM 20 · WSO 220'], inline: true },
            { name: 'Pending requests', value: ['3'], inline: true },
          ],
        },
        {
          kind: 'list',
          heading: 'Newest signings',
          items: [
            [
              { bold: "Anderson County Sheriff's Office" },
              ' (Anderson County) · WSO · signed 2025-06-18 · ',
              { link: 'https://www.ice.gov/doclib/a_b.pdf', text: 'MOA' },
            ],
          ],
        },
      ],
      footer: 'Source: ICE participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:00 UTC',
      paging: { command: 'agreements', args: { state: 'texas' }, page: 2, pages: 3 },
    };
    expect(renderReplyForSlack(reply)).toEqual({
      response_type: 'in_channel',
      text: 'Texas: 250 active 287(g) agreements',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Texas: 250 active 287(g) agreements', emoji: false } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*By model*\nJEM 10 · TFM 20 · WSO 220', verbatim: true },
            { type: 'mrkdwn', text: '*Pending requests*\n3', verbatim: true },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: "*Newest signings*\n• *Anderson County Sheriff's Office* (Anderson County) · WSO · signed 2025-06-18 · <https://www.ice.gov/doclib/a_b.pdf|MOA>",
            verbatim: true,
          },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'page_prev',
              text: { type: 'plain_text', text: '◀ Previous', emoji: false },
              value: '{"command":"agreements","args":{"state":"texas"},"page":1}',
            },
            {
              type: 'button',
              action_id: 'page_next',
              text: { type: 'plain_text', text: 'Next ▶', emoji: false },
              value: '{"command":"agreements","args":{"state":"texas"},"page":3}',
            },
          ],
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'Source: ICE participatingAgencies12122025pm.xlsx, fetched 2025-12-12 18:00 UTC', verbatim: true },
            { type: 'mrkdwn', text: 'Page 2 of 3', verbatim: true },
          ],
        },
      ],
    });
  });

  test('untrusted text can neither mention anyone nor format, in text, bold and link spans', () => {
    const line: Line = [EVIL, ' ', { bold: EVIL }, ' ', { link: 'https://x.test/a|b>c&d', text: EVIL }, ' ', { code: 'a`b <!here>' }];
    const out = renderLine(line);
    const inert = '＊bold＊ &lt;!everyone&gt; &lt;@U123&gt; &amp; &lt;script&gt;';
    expect(escapeMrkdwn(EVIL)).toBe(inert);
    expect(out).toBe(`${inert} *${inert}* <https://x.test/a%7Cb&gt;c&amp;d|${inert}> \`a｀b &lt;!here&gt;\``);
    expect(out).not.toMatch(/<[!@#]/);
    expect(escapeMrkdwn('_a_ ~b~ `c`\n> quote')).toBe('＿a＿ ～b～ ｀c｀ &gt; quote');
  });

  test('a link that is not http(s) stays text', () => {
    expect(renderLine([{ link: 'javascript:alert(1)', text: 'MOA' }])).toBe('MOA');
    expect(renderLine([{ link: 'slack://channel?id=C1', text: '<!channel>' }])).toBe('&lt;!channel&gt;');
  });

  test('errors are ephemeral; announcements and lookups are posted in the channel', () => {
    expect(renderReplyForSlack(errorReply('Unknown state "Texs". Did you mean Texas?'))).toMatchObject({
      response_type: 'ephemeral',
      text: 'Sorry: Unknown state "Texs". Did you mean Texas?',
    });
    const base: Reply = { tone: 'success', title: 'Subscribed', blocks: [] };
    expect(renderReplyForSlack({ ...base, announce: true }).response_type).toBe('in_channel');
    expect(renderReplyForSlack({ ...base, announce: true, ephemeral: true }).response_type).toBe('in_channel');
    expect(renderReplyForSlack({ ...base, ephemeral: true }).response_type).toBe('ephemeral');
    expect(renderReplyForSlack(base).response_type).toBe('in_channel');
  });

  test('a long unpaged list is cut with "… and N more" and every block stays within Slack limits', () => {
    const items: Line[] = Array.from({ length: 500 }, (_, i) => [
      { bold: `Agency ${i} ${'x'.repeat(120)}` },
      ' · ',
      { link: `https://www.ice.gov/doclib/${'y'.repeat(150)}${i}.pdf`, text: 'MOA' },
    ]);
    const { blocks } = renderReplyForSlack({
      tone: 'info',
      title: 'T'.repeat(400),
      blocks: [{ kind: 'list', heading: 'All', items }],
      footer: 'f',
    });
    expectWithinSlackLimits(blocks);
    expect((blocks[0] as any).text.text).toHaveLength(HEADER_MAX_CHARS);
    const text = blocks
      .filter((b: any) => b.type === 'section')
      .map((b: any) => b.text.text)
      .join('\n');
    expect(text.match(/^• /gm)).toHaveLength(MAX_LIST_ITEMS);
    expect(text.endsWith(`… and ${500 - MAX_LIST_ITEMS} more (narrow with model:, county:, since:)`)).toBe(true);
  });

  test('a list that would pass 50 blocks is cut to the blocks left, and more than 10 fields are split', () => {
    const longItems: Line[] = Array.from({ length: 39 }, (_, i) => [`${i} ${'z'.repeat(2900)}`]);
    const fields = Array.from({ length: 23 }, (_, i) => ({ name: `F${i}`, value: ['v'.repeat(3000)] }));
    const texts = Array.from({ length: 30 }, () => ({ kind: 'text' as const, lines: [['t']] }));
    const { blocks } = renderReplyForSlack({
      tone: 'info',
      title: 'x',
      blocks: [{ kind: 'fields', fields }, ...texts, { kind: 'list', items: longItems }],
      footer: 'f',
    });
    expectWithinSlackLimits(blocks);
    expect(blocks).toHaveLength(MAX_BLOCKS);
    expect(blocks.slice(1, 4).map((b: any) => b.fields.length)).toEqual([10, 10, 3]);
    const last = blocks.at(-2) as any;
    expect(last.text.text).toMatch(/^• 14 z+\n… and 24 more \(narrow with model:, county:, since:\)$/);
  });

  test('paging buttons carry a value that decodes to the page asked; too long a value drops the buttons, not the page', () => {
    const ok = renderReplyForSlack({
      tone: 'info',
      title: 'x',
      blocks: [],
      paging: { command: 'agreements', args: { state: 'tx', model: 'wso' }, page: 1, pages: 2 },
    });
    const actions = ok.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['page_next']);
    expect(decodePageValue(actions.elements[0].value)).toEqual({ command: 'agreements', args: { state: 'tx', model: 'wso' }, page: 2 });
    const huge = renderReplyForSlack({
      tone: 'info',
      title: 'x',
      blocks: [],
      paging: { command: 'agency', args: { name: 'n'.repeat(2100) }, page: 1, pages: 2 },
    });
    expect(huge.blocks.find((b) => b.type === 'actions')).toBeUndefined();
    expect(huge.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Page 1 of 2 (add page:N to the command for another page)', verbatim: true }],
    });
    expect(decodePageValue('{"command":"x","args":{"a":1},"page":2}')).toBeNull();
    expect(decodePageValue('not json')).toBeNull();
  });
});

describe('renderReplyForSlack: a long alert drops no kind of event', () => {
  const HEADINGS = ALERT_SECTIONS.map(([, h]) => h);
  /** The lists as the message shows them: the text of every section that is not the totals' fields. */
  const shownIn = (blocks: any[]) =>
    readSections(
      blocks.filter((b) => b.type === 'section' && b.text).flatMap((b) => b.text.text.split('\n')),
      HEADINGS,
      (h) => `*${escapeMrkdwn(h)}*`,
    );

  test('300 signings, 1 renewal, 2 rows gone and 1 rename: every section with its first lines, and each "and N more" adds up', () => {
    const events = [
      ...manySignings(300),
      ev.renewed('Lake County Sheriff', '2025-02-20', 'https://www.ice.gov/doclib/287gMOA/old.pdf'),
      ev.ended('City of Miami Springs Police Department', '2025-06-02T13:05:00.000Z'),
      ev.ended('Quarryville Police Department', null),
      ev.renamed('Okaloosa County Corrections', 'Okaloosa County Board of County Commissioners', 'same-document'),
    ];
    const { blocks } = renderReplyForSlack(alertToReply(floridaAlert(events)));
    expectWithinSlackLimits(blocks);
    const sections = shownIn(blocks);
    expect(sections.map((s) => [s.heading, s.shown, s.more])).toEqual([
      ['New agreements', MAX_LIST_ITEMS, 300 - MAX_LIST_ITEMS],
      ["No longer on ICE's list", 2, 0],
      ['Renewed (a new agreement document)', 1, 0],
      ['Renamed or moved by ICE (same agreement: not new, not ended)', 1, 0],
    ]);
    const text = blocks.map((b: any) => b.text?.text ?? '').join('\n');
    expect(text).toContain(`… and ${300 - MAX_LIST_ITEMS} more (/agreements fl lists them all)`);
    expect(text).toContain(
      'Okaloosa County Corrections → *Okaloosa County Board of County Commissioners* (Okaloosa) · Task Force Model (TFM), signed 2025-06-02, same MOA document · <https://www.ice.gov/doclib/287gMOA/287gTFM_OkaloosaCountyBoardofCountyCommissioners.pdf|MOA>',
    );
    expect(blocks.at(-2)).toMatchObject({
      type: 'section',
      fields: [{ text: '*Florida now*\n339 active (JEM 80 · TFM 230 · WSO 29)' }, { text: '*Pending requests*\n4' }],
    });
  });

  test('lists that would fill the 50 blocks leave a section for each list after them', () => {
    const long = (i: number): Line => [`${i} ${'z'.repeat(2900)}`];
    const list = (heading: string, n: number) => ({
      kind: 'list' as const,
      heading,
      items: Array.from({ length: n }, (_, i) => long(i)),
      moreHint: '(/agreements fl lists them all)',
    });
    const reply: Reply = {
      tone: 'info',
      title: 't',
      blocks: [list('First', 60), list('Second', 60), list('Third', 2), list('Fourth', 2)],
      footer: 'f',
    };
    const { blocks } = renderReplyForSlack(reply);
    expectWithinSlackLimits(blocks);
    const sections = readSections(
      blocks.filter((b: any) => b.type === 'section').flatMap((b: any) => b.text.text.split('\n')),
      ['First', 'Second', 'Third', 'Fourth'],
      (h) => `*${h}*`,
    );
    expect(sections.map((s) => [s.heading, s.shown + s.more])).toEqual([
      ['First', 60],
      ['Second', 60],
      ['Third', 2],
      ['Fourth', 2],
    ]);
    expect(sections.map((s) => s.shown)).toEqual([MAX_LIST_ITEMS, 48 - MAX_LIST_ITEMS - 2, 1, 1]);
    expect(blocks).toHaveLength(MAX_BLOCKS);
  });

  test('property: for any sizes of every section, each non-empty one is shown with a first line, counts add up and limits hold', () => {
    const kinds: Array<(name: string) => ListEvent> = [
      (n) => ev.signed(n),
      (n) => ev.ended(n, '2025-06-02T13:05:00.000Z'),
      (n) => ev.relisted(n, '2025-05-29T09:12:00.000Z'),
      (n) => ev.renewed(n, '2025-02-20', 'https://www.ice.gov/doclib/287gMOA/old.pdf'),
      (n) => ev.renamed(`${n} (old name)`, n, 'near-name'),
      (n) => ev.corrected(n, '2025-06-01', 'same-document'),
      (n) => ({ ...ev.pendingAdded(n), type: 'pending.signed', signedOn: '2025-06-01' }) as ListEvent,
      (n) => ev.pendingAdded(n),
      (n) => ({ ...ev.pendingAdded(n), type: 'pending.removed' }) as ListEvent,
    ];
    // Long lists of long names, so that the lists together often pass Slack's 50 blocks.
    const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 40, max: 400 }));
    fc.assert(
      fc.property(
        fc.array(size, { minLength: kinds.length, maxLength: kinds.length }),
        fc.integer({ min: 8, max: 300 }),
        (sizes, nameLength) => {
          const events = kinds.flatMap((make, k) =>
            Array.from({ length: sizes[k] }, (_, i) => make(`${'Agency'.padEnd(nameLength, 'x')} ${k}-${i}`)),
          );
          if (!events.length) return;
          const reply = alertToReply(floridaAlert(events));
          const { blocks } = renderReplyForSlack(reply);
          expectWithinSlackLimits(blocks);
          const shown = shownIn(blocks);
          expect(shown.map((s) => [s.heading, s.shown + s.more])).toEqual(sectionsOf(reply).map((s) => [s.heading, s.shown]));
          for (const s of shown) expect(s.shown).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
