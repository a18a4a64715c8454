/**
 * Text from ICE (agency and county names, MOA URLs, file names) is untrusted (SPEC section
 * 6): on neither platform may it mention anyone or add formatting. The example tests hold
 * fixed hostile names (render-reply, alert-sender and commands tests of both platforms);
 * these properties hold for any text, put in every place a Reply carries it.
 */
import fc from 'fast-check';
import type { Line, Reply } from '../../src/messages/reply';
import { escapeUntrusted } from '../../src/platforms/discord/discord-text';
import { renderReplyForDiscord } from '../../src/platforms/discord/render-reply';
import { escapeMrkdwn } from '../../src/platforms/slack/mrkdwn';
import { renderReplyForSlack } from '../../src/platforms/slack/render-reply';
import { plainText, renderReplyAsText } from '../../src/platforms/console/render-reply';

const RUNS = 400;
/** Every bidirectional control Unicode has: marks, embeddings, overrides, isolates. */
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const ANY_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const ZWSP = '\u200b';

/** Text with every token either platform would act on, mixed with any unicode. */
const hostile = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '@everyone',
          '@here',
          '<@U123>',
          '<@123456789012345678>',
          '<@&42>',
          '<#C1>',
          '<!everyone>',
          '<!channel>',
          '<!subteam^S1>',
          '<!date^1|x>',
          '<https://evil.example|click>',
          '[click](https://evil.example)',
          '**',
          '*',
          '_',
          '__',
          '~',
          '~~',
          '`',
          '```',
          '||',
          '>',
          '> ',
          '>>> ',
          '# ',
          '-# ',
          '- ',
          '1. ',
          '&',
          '&amp;',
          '&lt;',
          '\\',
          '\n',
          '\r\n',
          '\u2028',
          'https://www.ice.gov/doclib/a_b*c@d.pdf',
          ':',
          '|',
          '<',
          '>',
        ),
      },
      // Bidirectional controls: U+202E (right-to-left override) reverses the rest of a line.
      { weight: 2, arbitrary: fc.constantFrom(...BIDI) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 2, arbitrary: fc.constantFrom('Harris County ', "Sheriff's Office", ' ', 'Tampa PD') },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

/** A reply carrying `t` everywhere ICE's text can go: title, text, bold, list items, fields, link text and target, footer. */
function replyWith(t: string): Reply {
  const line: Line = [t, ' · ', { bold: t }, ' ', { link: `https://www.ice.gov/doclib/${t}`, text: t }, ' ', { link: t, text: 'MOA' }];
  return {
    tone: 'info',
    title: t,
    blocks: [
      { kind: 'text', lines: [line, [t]] },
      {
        kind: 'fields',
        fields: [
          { name: t, value: [t] },
          { name: 'By model', value: line },
        ],
      },
      { kind: 'list', heading: t, items: [line, [{ bold: t }, ` (${t})`]], moreHint: t },
    ],
    footer: `Source: ICE ${t}`,
  };
}

describe('Slack: untrusted text is inert mrkdwn', () => {
  test('escapeMrkdwn leaves no control character, formatting marker, line break or bare ampersand', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const out = escapeMrkdwn(t);
        expect(out).not.toMatch(/[<>*_~`\r\n\u2028\u2029]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }),
      { numRuns: RUNS },
    );
  });

  test("in a rendered reply, the only <...> are the renderer's own http(s) links, and nothing mentions anyone", () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const message = renderReplyForSlack(replyWith(t));
        const mrkdwn: string[] = [message.text];
        for (const block of message.blocks as any[]) {
          for (const obj of [block.text, ...(block.fields ?? []), ...(block.elements ?? [])]) {
            if (obj?.type === 'mrkdwn') {
              expect(obj.verbatim).toBe(true);
              mrkdwn.push(obj.text);
            }
          }
        }
        for (const text of mrkdwn) {
          // A link is <url|text>: the url has no | (escapeLinkUrl encodes it), the text may.
          const outsideLinks = text.replace(/<https?:\/\/[^\s|<>]+\|[^<>]*>/g, '');
          expect(outsideLinks).not.toMatch(/[<>]/);
          expect(text).not.toMatch(/<[!@#]/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** The text of `s` with Discord's bare URLs removed (Discord formats nothing inside one). */
const withoutBareUrls = (s: string) => s.replace(/https?:\/\/[^\s<>]+/g, '');
/** Whether the character at `i` is preceded by an odd number of backslashes (escaped). */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

describe('Discord: untrusted text is inert markdown', () => {
  test('escapeUntrusted: no line break, every @ and < followed by a zero-width space, every formatting character escaped', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const out = escapeUntrusted(t);
        expect(out).not.toMatch(/[\r\n\u2028\u2029]/);
        for (let i = 0; i < out.length; i++) if (out[i] === '@' || out[i] === '<') expect(out[i + 1]).toBe(ZWSP);
        const prose = withoutBareUrls(out);
        for (let i = 0; i < prose.length; i++) if ('*_~|`[]'.includes(prose[i])) expect(escapedAt(prose, i)).toBe(true);
        expect(out).not.toMatch(/^\s*(>|#|-#|-\s|\+\s|\d+\.\s)/);
      }),
      { numRuns: RUNS },
    );
  });

  test('a rendered reply allows no mentions, has no message content, and its embed names nobody', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        const payload = renderReplyForDiscord(replyWith(t));
        expect(payload.allowed_mentions).toEqual({ parse: [] });
        expect(payload).not.toHaveProperty('content');
        const [embed] = payload.embeds;
        for (const text of [embed.title, embed.description, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])]) {
          if (text === undefined) continue;
          // A markdown link's target is a URL (percent-encoded by safeLinkTarget), never parsed for mentions.
          expect(text.replace(/\]\(https?:\/\/[^\s()]*\)/g, ']')).not.toMatch(/@(everyone|here)|<[@#]|<\/|<t:/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('bidirectional controls never reach a platform', () => {
  test('no rendered Slack message, Discord message or console text carries one, wherever the text was', () => {
    fc.assert(
      fc.property(hostile, (t) => {
        expect(JSON.stringify(renderReplyForSlack(replyWith(t)))).not.toMatch(ANY_BIDI);
        expect(JSON.stringify(renderReplyForDiscord(replyWith(t)))).not.toMatch(ANY_BIDI);
        expect(renderReplyAsText(replyWith(t))).not.toMatch(ANY_BIDI);
        expect(plainText(t)).not.toMatch(ANY_BIDI);
        expect(escapeMrkdwn(t)).not.toMatch(ANY_BIDI);
        expect(escapeUntrusted(t)).not.toMatch(ANY_BIDI);
      }),
      { numRuns: RUNS },
    );
  });

  test('an agency name with a right-to-left override reads as it was written, less the override', () => {
    const name = 'Tampa PD\u202E\u2067 (Hillsborough)';
    expect(escapeUntrusted(name)).toBe('Tampa PD (Hillsborough)');
    expect(escapeMrkdwn(name)).toBe('Tampa PD (Hillsborough)');
    expect(plainText(name)).toBe('Tampa PD (Hillsborough)');
  });
});
