import type { Line, Reply } from '../../../commands/reply';
import { errorReply } from '../../../commands/reply';
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
        { kind: 'fields', fields: [{ name: 'By model', value: ['JEM 10 · TFM 20 · WSO 220'], inline: true }, { name: 'Pending requests', value: ['3'], inline: true }] },
        { kind: 'list', heading: 'Newest signings', items: [[{ bold: 'Anderson County Sheriff\'s Office' }, ' (Anderson County) · WSO · signed 2025-06-18 · ', { link: 'https://www.ice.gov/doclib/a_b.pdf', text: 'MOA' }]] },
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
          text: { type: 'mrkdwn', text: "*Newest signings*\n• *Anderson County Sheriff's Office* (Anderson County) · WSO · signed 2025-06-18 · <https://www.ice.gov/doclib/a_b.pdf|MOA>", verbatim: true },
        },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'page_prev', text: { type: 'plain_text', text: '◀ Previous', emoji: false }, value: '{"command":"agreements","args":{"state":"texas"},"page":1}' },
            { type: 'button', action_id: 'page_next', text: { type: 'plain_text', text: 'Next ▶', emoji: false }, value: '{"command":"agreements","args":{"state":"texas"},"page":3}' },
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
    const items: Line[] = Array.from({ length: 500 }, (_, i) => [{ bold: `Agency ${i} ${'x'.repeat(120)}` }, ' · ', { link: `https://www.ice.gov/doclib/${'y'.repeat(150)}${i}.pdf`, text: 'MOA' }]);
    const { blocks } = renderReplyForSlack({ tone: 'info', title: 'T'.repeat(400), blocks: [{ kind: 'list', heading: 'All', items }], footer: 'f' });
    expectWithinSlackLimits(blocks);
    expect((blocks[0] as any).text.text).toHaveLength(HEADER_MAX_CHARS);
    const text = blocks.filter((b: any) => b.type === 'section').map((b: any) => b.text.text).join('\n');
    expect(text.match(/^• /gm)).toHaveLength(MAX_LIST_ITEMS);
    expect(text.endsWith(`… and ${500 - MAX_LIST_ITEMS} more (narrow with model:, county:, since:)`)).toBe(true);
  });

  test('a list that would pass 50 blocks is cut to the blocks left, and more than 10 fields are split', () => {
    const longItems: Line[] = Array.from({ length: 39 }, (_, i) => [`${i} ${'z'.repeat(2900)}`]);
    const fields = Array.from({ length: 23 }, (_, i) => ({ name: `F${i}`, value: ['v'.repeat(3000)] }));
    const texts = Array.from({ length: 30 }, () => ({ kind: 'text' as const, lines: [['t']] }));
    const { blocks } = renderReplyForSlack({ tone: 'info', title: 'x', blocks: [{ kind: 'fields', fields }, ...texts, { kind: 'list', items: longItems }], footer: 'f' });
    expectWithinSlackLimits(blocks);
    expect(blocks).toHaveLength(MAX_BLOCKS);
    expect(blocks.slice(1, 4).map((b: any) => b.fields.length)).toEqual([10, 10, 3]);
    const last = blocks.at(-2) as any;
    expect(last.text.text).toMatch(/^• 14 z+\n… and 24 more \(narrow with model:, county:, since:\)$/);
  });

  test('paging buttons carry a value that decodes to the page asked; too long a value drops the buttons, not the page', () => {
    const ok = renderReplyForSlack({ tone: 'info', title: 'x', blocks: [], paging: { command: 'agreements', args: { state: 'tx', model: 'wso' }, page: 1, pages: 2 } });
    const actions = ok.blocks.find((b) => b.type === 'actions') as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['page_next']);
    expect(decodePageValue(actions.elements[0].value)).toEqual({ command: 'agreements', args: { state: 'tx', model: 'wso' }, page: 2 });
    const huge = renderReplyForSlack({ tone: 'info', title: 'x', blocks: [], paging: { command: 'agency', args: { name: 'n'.repeat(2100) }, page: 1, pages: 2 } });
    expect(huge.blocks.find((b) => b.type === 'actions')).toBeUndefined();
    expect(huge.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Page 1 of 2 (add page:N to the command for another page)', verbatim: true }] });
    expect(decodePageValue('{"command":"x","args":{"a":1},"page":2}')).toBeNull();
    expect(decodePageValue('not json')).toBeNull();
  });
});
