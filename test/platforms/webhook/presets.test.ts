import { alertToReply } from '../../../src/messages/alert-message';
import type { Reply } from '../../../src/messages/reply';
import {
  buildSlackHookMessage,
  buildTeamsHookMessage,
  clipTeams,
  SLACK_HOOK_LIMITS,
  TEAMS_CARD_MAX_CHARS,
} from '../../../src/platforms/webhook/presets';
import { ev, floridaAlert, manySignings } from '../../helpers/alert-events';

const sectionsOf = (reply: Reply) => buildSlackHookMessage(reply).blocks.map((b) => (b as { text: { text: string } }).text.text);
const teamsTextsOf = (reply: Reply) =>
  (buildTeamsHookMessage(reply) as { attachments: Array<{ content: { body: Array<{ text: string }> } }> }).attachments[0].content.body.map(
    (b) => b.text,
  );
const bullets = (texts: string[]) =>
  texts
    .join('\n')
    .split('\n')
    .filter((l) => l.startsWith('• '));
/** Every Slack link `<url|text>` and entity whole: a `<` always closed by `>`, each `&` an entity. */
const wholeMrkdwn = (text: string) => !/<[^>]*$/.test(text) && !/&(?!(amp|lt|gt);)/.test(text);
/** Every Teams link whole: each `[` opens `[text](url)`, bold runs closed. */
const wholeTeams = (text: string) =>
  [...text.matchAll(/\[/g)].every((m) => /^\[[^\]]*\]\([^)]*\)/.test(text.slice(m.index))) && (text.match(/\*\*/g) ?? []).length % 2 === 0;

/** 120 signings as a big day has them, and two endings after them: the list SPEC §6 asks to cut with "how many more". */
const big = floridaAlert([...manySignings(120), ev.ended('Bay County Jail', null), ev.ended('Gulf County & <Sheriff>', null)]);

describe('the Slack preset cuts a long alert at its list items and says how many more (SPEC §6)', () => {
  test('120 signings: the first 40 whole, then "… and 80 more" with the command that lists them; the endings still appear', () => {
    const sections = sectionsOf(alertToReply(big));
    expect(sections.length).toBeLessThanOrEqual(SLACK_HOOK_LIMITS.blocks);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(SLACK_HOOK_LIMITS.sectionChars);
      expect(wholeMrkdwn(s)).toBe(true);
    }
    const all = sections.join('\n');
    expect(all).toContain('… and 80 more (/agreements fl lists them all)');
    expect(bullets(sections).filter((l) => l.includes('Agency number'))).toHaveLength(40);
    expect(all).toContain('Agency number 40 Sheriff');
    expect(all).not.toContain('Agency number 41 Sheriff');
    expect(all).toContain('Gulf County &amp; &lt;Sheriff&gt;');
  });

  test('items too long for the blocks: as many whole items as the 50 blocks hold, then "… and N more", never a cut inside markup', () => {
    const long = floridaAlert(Array.from({ length: 45 }, (_, i) => ev.signed(`Agency number ${i + 1} & ${'<!here> '.repeat(340)}`)));
    const sections = sectionsOf(alertToReply(long));
    expect(sections.length).toBeLessThanOrEqual(SLACK_HOOK_LIMITS.blocks);
    for (const s of sections) {
      expect(s.length).toBeLessThanOrEqual(SLACK_HOOK_LIMITS.sectionChars);
      expect(wholeMrkdwn(s)).toBe(true);
    }
    const shown = bullets(sections).length;
    expect(shown).toBeLessThan(45);
    expect(sections.join('\n')).toContain(`… and ${45 - shown} more (/agreements fl lists them all)`);
  });
});

describe('the Teams preset cuts a long alert at its list items and says how many more', () => {
  test('120 signings: 40 whole, "… and 80 more" with its hint, the endings, all within the card size', () => {
    const texts = teamsTextsOf(alertToReply(big));
    const all = texts.join('\n');
    expect(all.length).toBeLessThanOrEqual(TEAMS_CARD_MAX_CHARS);
    expect(wholeTeams(all)).toBe(true);
    expect(all).toContain('… and 80 more (/agreements fl lists them all)');
    expect(bullets(texts).filter((l) => l.includes('Agency number'))).toHaveLength(40);
    expect(all).toContain('Gulf County & ＜Sheriff＞');
  });

  test('items too long for the card: whole items only, then "… and N more", and the later list keeps its room', () => {
    const events = [
      ...Array.from({ length: 40 }, (_, i) => ev.signed(`Agency number ${i + 1} ${'x'.repeat(900)}`)),
      ev.ended('Bay County Jail', null),
    ];
    const texts = teamsTextsOf(alertToReply(floridaAlert(events)));
    const all = texts.join('\n');
    expect(all.length).toBeLessThanOrEqual(TEAMS_CARD_MAX_CHARS);
    expect(wholeTeams(all)).toBe(true);
    const shown = bullets(texts).filter((l) => l.includes('Agency number')).length;
    expect(shown).toBeGreaterThan(0);
    expect(all).toContain(`… and ${40 - shown} more (/agreements fl lists them all)`);
    expect(all).toContain('Bay County Jail');
  });
});

describe('clipTeams', () => {
  const text = 'Okaloosa · [Smith (TX) MOA](https://www.ice.gov/a%29b) · **Total** 12';
  test.each(Array.from({ length: text.length }, (_, i) => i + 2))('cut at %i characters leaves no half link nor open bold', (max) => {
    const cut = clipTeams(text, max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(wholeTeams(cut)).toBe(true);
  });
});
