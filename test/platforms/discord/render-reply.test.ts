import { MessageFlags } from 'discord.js';
import fc from 'fast-check';
import { errorReply, type Line, type Reply } from '../../../src/messages/reply';
import { escapeUntrusted, renderSpan, safeLinkTarget } from '../../../src/platforms/discord/discord-text';
import { decodePagingId, encodePagingId } from '../../../src/platforms/discord/paging-id';
import { EMBED_LIMITS, renderReplyForDiscord, TONE_COLORS, type EmbedBody } from '../../../src/platforms/discord/render-reply';
import { ALERT_SECTIONS, alertToReply } from '../../../src/messages/alert-message';
import type { ListEvent } from '../../../src/domain/agreements/events';
import { ev, floridaAlert, manySignings } from '../../helpers/alert-events';
import { readSections, sectionsOf } from '../../helpers/alert-sections';

const ZWSP = '\u200b';

function embedSize(e: EmbedBody): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function expectWithinLimits(e: EmbedBody): void {
  expect(e.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect(e.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
  expect(e.fields?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.fields);
  for (const f of e.fields ?? []) {
    expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
    expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(f.name.length).toBeGreaterThan(0);
    expect(f.value.length).toBeGreaterThan(0);
  }
  expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.footer);
  expect(embedSize(e)).toBeLessThanOrEqual(EMBED_LIMITS.total);
}

describe('renderReplyForDiscord', () => {
  test('a small reply becomes one embed with every part, its tone colour and no mentions allowed', () => {
    const reply: Reply = {
      tone: 'success',
      title: 'Texas: 2 active 287(g) agreements',
      blocks: [
        { kind: 'fields', fields: [{ name: 'By model', value: ['JEM 1 · TFM 1 · WSO 0'], inline: true }] },
        {
          kind: 'list',
          heading: 'Newest signings',
          items: [[{ bold: 'Harris County' }, ' · TFM · ', { link: 'https://www.ice.gov/doclib/a.pdf', text: 'MOA' }]],
        },
        { kind: 'text', lines: [['Signed by month: 2025-02 2']] },
      ],
      footer: 'Source: ICE participatingAgencies.xlsx',
    };
    expect(renderReplyForDiscord(reply)).toEqual({
      embeds: [
        {
          title: 'Texas: 2 active 287(g) agreements',
          color: TONE_COLORS.success,
          description:
            '**Newest signings**\n• **Harris County** · TFM · [MOA](https://www.ice.gov/doclib/a.pdf)\nSigned by month: 2025-02 2',
          fields: [{ name: 'By model', value: 'JEM 1 · TFM 1 · WSO 0', inline: true }],
          footer: { text: 'Source: ICE participatingAgencies.xlsx' },
        },
      ],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });

  test('an error reply is red and ephemeral', () => {
    const payload = renderReplyForDiscord(errorReply('Unknown state "Texs". Did you mean Texas?'));
    expect(payload.flags).toBe(MessageFlags.Ephemeral);
    expect(payload.embeds[0]).toEqual({
      title: 'Sorry',
      color: TONE_COLORS.error,
      description: 'Unknown state "Texs". Did you mean Texas?',
    });
  });

  test('untrusted spans can neither format, link nor mention; formatting comes only from span kinds', () => {
    const evil = '**bold** @everyone <@123> <#456> <@&789> @here [x](https://evil.example) > quote';
    const line: Line = [evil, ' · ', { bold: '__under__ <@1>' }, ' ', { link: 'https://www.ice.gov/a (b).pdf', text: 'MOA ](x)' }];
    const text = renderReplyForDiscord({ tone: 'info', title: '@everyone *t*', blocks: [{ kind: 'text', lines: [line] }] }).embeds[0];
    expect(text.title).toBe(`@${ZWSP}everyone \\*t\\*`);
    expect(text.description).toBe(
      `\\*\\*bold\\*\\* @${ZWSP}everyone <${ZWSP}@${ZWSP}123> <${ZWSP}#456> <${ZWSP}@${ZWSP}&789> @${ZWSP}here \\[x\\](https://evil.example%29 > quote` +
        ` · **\\_\\_under\\_\\_ <${ZWSP}@${ZWSP}1>** [MOA \\](x)](https://www.ice.gov/a%20%28b%29.pdf)`,
    );
    expect(text.description).not.toMatch(/@everyone|@here|<@|<#/);
  });

  test('links are made only for http(s) URLs; anything else is its text, escaped', () => {
    expect(safeLinkTarget('javascript:alert(1)')).toBeNull();
    expect(safeLinkTarget('not a url')).toBeNull();
    expect(renderSpan({ link: 'file:///etc/passwd', text: 'MOA' })).toBe('MOA');
    expect(renderSpan({ link: 'https://www.ice.gov/x.pdf', text: '' })).toBe('[https://www.ice.gov/x.pdf](https://www.ice.gov/x.pdf)');
    expect(renderSpan({ code: 'a`b' })).toBe('`a\u02cbb`');
    expect(escapeUntrusted('# Heading\nline two')).toBe('\\# Heading line two');
    expect(escapeUntrusted('-# small')).toBe('\\-# small');
    expect(escapeUntrusted('1. first')).toBe('1\\. first');
    expect(escapeUntrusted('> quoted')).toBe('\\> quoted');
  });

  test('every formatting character is escaped on its own, so odd runs cannot pair up; bare URLs stay whole', () => {
    expect(escapeUntrusted('v0*****')).toBe('v0\\*\\*\\*\\*\\*');
    expect(escapeUntrusted('a_b ~~c~~ ||d|| `e` \\')).toBe('a\\_b \\~\\~c\\~\\~ \\|\\|d\\|\\| \\`e\\` \\\\');
    expect(escapeUntrusted('see https://www.ice.gov/doclib/287gMOA/Anderson_TX_WSO.pdf and *this*')).toBe(
      'see https://www.ice.gov/doclib/287gMOA/Anderson_TX_WSO.pdf and \\*this\\*',
    );
    expect(escapeUntrusted('https://x.example/*a*@everyone')).toBe('https://x.example/%2Aa%2A%40everyone');
  });

  test('a long list is cut whole lines at a time, within every limit, saying how many more', () => {
    const items: Line[] = Array.from({ length: 300 }, (_, i) => [
      { bold: `Agency ${i} Sheriff's Office` },
      ` (County ${i}) · JEM · signed 2025-01-01 · `,
      { link: `https://www.ice.gov/doclib/287gMOA/${i}.pdf`, text: 'MOA' },
    ]);
    const payload = renderReplyForDiscord({
      tone: 'info',
      title: 'T'.repeat(400),
      blocks: [{ kind: 'list', heading: 'All', items }],
      footer: 'F'.repeat(3000),
    });
    const embed = payload.embeds[0];
    expectWithinLimits(embed);
    expect(embed.title).toBe(`${'T'.repeat(255)}…`);
    expect(embed.footer!.text).toBe(`${'F'.repeat(2047)}…`);
    const lines = embed.description!.split('\n');
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(lines.at(-1)).toBe(`… and ${300 - shown} more (narrow the question to see them)`);
    expect(
      lines
        .slice(1, -1)
        .every((l) => /^• \*\*Agency \d+ Sheriff's Office\*\* .* \[MOA\]\(https:\/\/www\.ice\.gov\/doclib\/287gMOA\/\d+\.pdf\)$/.test(l)),
    ).toBe(true);
  });

  test('more than 25 fields, and oversized names and values, are cut to the limits', () => {
    const fields = Array.from({ length: 40 }, (_, i) => ({ name: `N${i}`.padEnd(300, 'n'), value: [`v${i}`.padEnd(2000, '*')] }));
    const embed = renderReplyForDiscord({ tone: 'info', title: 't', blocks: [{ kind: 'fields', fields }] }).embeds[0];
    expectWithinLimits(embed);
    expect(embed.fields![0].value.endsWith('…')).toBe(true);
    expect(embed.fields![0].value).toMatch(/^v0(\\\*)+…$/);
  });

  test('paging becomes Previous / page x/y / Next buttons whose ids carry the command, arguments and page', () => {
    const reply: Reply = {
      tone: 'info',
      title: 't',
      blocks: [],
      paging: { command: 'agreements', args: { state: 'new york', model: 'TFM' }, page: 3, pages: 3 },
    };
    expect(renderReplyForDiscord(reply).components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: '◀ Previous', custom_id: 'p|agreements|2|state=new+york&model=TFM', disabled: false },
          { type: 2, style: 2, label: 'page 3/3', custom_id: 'i|3|3', disabled: true },
          { type: 2, style: 2, label: 'Next ▶', custom_id: 'p|agreements|3|state=new+york&model=TFM', disabled: true },
        ],
      },
    ]);
    expect(decodePagingId('p|agreements|2|state=new+york&model=TFM')).toEqual({
      command: 'agreements',
      page: 2,
      args: { state: 'new york', model: 'TFM' },
    });
    expect(decodePagingId('p|agreements|2|county=a%7Cb')).toEqual({ command: 'agreements', page: 2, args: { county: 'a|b' } });
    expect(decodePagingId('i|3|3')).toBeNull();
    expect(decodePagingId('p|agreements|0|')).toBeNull();
  });

  test('paging whose id cannot fit 100 characters drops the buttons and names the page in the footer', () => {
    const args = { state: 'texas', county: 'x'.repeat(120) };
    expect(encodePagingId({ command: 'agreements', args, page: 2 })).toBeNull();
    const payload = renderReplyForDiscord({
      tone: 'info',
      title: 't',
      blocks: [],
      footer: 'Source: ICE',
      paging: { command: 'agreements', args, page: 2, pages: 4 },
    });
    expect(payload.components).toEqual([]);
    expect(payload.embeds[0].footer).toEqual({ text: 'Source: ICE · page 2/4' });
  });
});

describe('renderReplyForDiscord: a long alert drops no kind of event', () => {
  const HEADINGS = ALERT_SECTIONS.map(([, h]) => h);
  const shownIn = (embed: EmbedBody) => readSections(embed.description!.split('\n'), HEADINGS, (h) => `**${escapeUntrusted(h)}**`);

  test('300 signings, 1 renewal, 2 rows gone and 1 rename: every section with its heading and first lines, and each "and N more" adds up', () => {
    const events = [
      ...manySignings(300),
      ev.renewed('Lake County Sheriff', '2025-02-20', 'https://www.ice.gov/doclib/287gMOA/old.pdf'),
      ev.ended('City of Miami Springs Police Department', '2025-06-02T13:05:00.000Z'),
      ev.ended('Quarryville Police Department', null),
      ev.renamed('Okaloosa County Corrections', 'Okaloosa County Board of County Commissioners', 'same-document'),
    ];
    const embed = renderReplyForDiscord(alertToReply(floridaAlert(events))).embeds[0];
    expectWithinLimits(embed);
    const sections = shownIn(embed);
    expect(sections.map((s) => [s.heading, s.shown + s.more])).toEqual([
      ['New agreements', 300],
      ["No longer on ICE's list", 2],
      ['Renewed (a new agreement document)', 1],
      ['Renamed or moved by ICE (same agreement: not new, not ended)', 1],
    ]);
    // The short lists are shown whole; the long one takes the rest of the room and says what it left out.
    expect(sections.slice(1).map((s) => s.more)).toEqual([0, 0, 0]);
    expect(sections[0].shown).toBeGreaterThan(5);
    expect(embed.description).toContain(`… and ${300 - sections[0].shown} more (/agreements fl lists them all)`);
    expect(embed.description).toContain('last listed 2025-06-02 13:05 UTC');
    expect(embed.fields![0]).toEqual({ name: 'Florida now', value: '339 active (JEM 80 · TFM 230 · WSO 29)', inline: true });
  });

  test('two long lists share the room: neither takes it all', () => {
    const events = [
      ...manySignings(77),
      ...manySignings(60).map((e) => ({ ...e, type: 'agreement.ended', lastListedAt: null }) as ListEvent),
    ];
    const [signed, ended] = shownIn(renderReplyForDiscord(alertToReply(floridaAlert(events))).embeds[0]);
    expect([signed.shown + signed.more, ended.shown + ended.more]).toEqual([77, 60]);
    expect(Math.abs(signed.shown - ended.shown)).toBeLessThanOrEqual(1);
  });

  test('a list whose first item alone passes the room still shows it, cut, beside the other lists', () => {
    const reply: Reply = {
      tone: 'info',
      title: 't',
      blocks: [
        { kind: 'list', heading: 'Huge', items: [['x'.repeat(5000)], ['second']], moreHint: '(/agreements fl lists them all)' },
        { kind: 'list', heading: 'Small', items: [['one']] },
      ],
    };
    const embed = renderReplyForDiscord(reply).embeds[0];
    expectWithinLimits(embed);
    const lines = embed.description!.split('\n');
    expect(lines[0]).toBe('**Huge**');
    expect(lines[1]).toMatch(/^• x{1000,}…$/);
    expect(lines.slice(2)).toEqual(['… and 1 more (/agreements fl lists them all)', '**Small**', '• one']);
  });

  test('more lists than even their headings fit (a digest of every state) fall back to lines in order and one "and N more"', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => ({
      kind: 'list' as const,
      heading: `State ${i} ${'h'.repeat(40)}`,
      items: Array.from({ length: 3 }, (_, j): Line => [`agency ${i}-${j}`]),
      moreHint: '(/agreements lists them all)',
    }));
    const embed = renderReplyForDiscord({ tone: 'info', title: 't', blocks }).embeds[0];
    expectWithinLimits(embed);
    const lines = embed.description!.split('\n');
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(lines.at(-1)).toBe(`… and ${360 - shown} more (/agreements lists them all)`);
  });

  test('property: for any sizes of every section, each non-empty one is shown with a first line, counts add up and limits hold', () => {
    const kinds: Array<(name: string, i: number) => ListEvent> = [
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
    const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 400 }));
    fc.assert(
      fc.property(
        fc.array(size, { minLength: kinds.length, maxLength: kinds.length }),
        fc.integer({ min: 8, max: 70 }),
        (sizes, nameLength) => {
          const events = kinds.flatMap((make, k) =>
            Array.from({ length: sizes[k] }, (_, i) => make(`${'Agency'.padEnd(nameLength, 'x')} ${k}-${i}`, i)),
          );
          if (!events.length) return;
          const reply = alertToReply(floridaAlert(events));
          const embed = renderReplyForDiscord(reply).embeds[0];
          expectWithinLimits(embed);
          const shown = shownIn(embed);
          expect(shown.map((s) => [s.heading, s.shown + s.more])).toEqual(sectionsOf(reply).map((s) => [s.heading, s.shown]));
          for (const s of shown) expect(s.shown).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
