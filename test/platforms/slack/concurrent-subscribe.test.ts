/**
 * Concurrent /subscribe through the Slack path (issue 13, item 1): signed slash commands
 * through Bolt's HTTP receiver, answered on their response_urls, on SQLite and PostgreSQL.
 * Before subscriptions changed under a per-channel lock, 2-5 of 40 at once were lost.
 */
import { STATES } from '../../../src/domain/states';
import { channelKey } from '../../../src/domain/alerts/subscriptions';
import { DATABASES, describeEachDatabase, type DatabaseUnderTest } from '../../helpers/databases';
import { startHarness, textsOf, type Harness } from './harness';

const ENGINES = DATABASES.filter(([name]) => name === 'sqlite file' || name === 'postgres');
const FORTY = STATES.slice(0, 40);
const KEY = channelKey('slack', 'T0TEST', 'C0ALERTS');
/** Slack answers two commands at a time and the changes of one channel go one by one: on a busy machine the last answer comes late. */
const ANSWER_WITHIN_MS = 45_000;

describeEachDatabase(ENGINES)('concurrent Slack /subscribe on %s', (_name, engine) => {
  let store: DatabaseUnderTest;
  let h: Harness;
  beforeEach(async () => {
    store = await engine();
    h = await startHarness({ db: store.db });
  });
  afterEach(async () => {
    await h.close();
    await store.cleanup();
  });
  const subscriptions = () => h.services.subscriptions;

  test('40 members subscribing one channel to 40 states at once: all 40 stored and indexed; each answer lists only stored states', async () => {
    const sent = await Promise.all(FORTY.map((s) => h.slash('/subscribe', s.code)));
    expect(sent.map((s) => s.res.status)).toEqual(Array(40).fill(200));
    const answers = await Promise.all(sent.map((s) => h.slack.waitForResponse(s.id, ANSWER_WITHIN_MS).then((r) => r.body)));

    const sub = await subscriptions().get(KEY);
    expect([...(sub!.states as string[])].sort()).toEqual(FORTY.map((s) => s.code).sort());
    for (const s of FORTY) expect((await subscriptions().forState(s.code)).map((x) => x.channelId)).toEqual(['C0ALERTS']);

    const texts = answers.map((a) => textsOf(a.blocks).join('\n'));
    expect(texts.filter((t) => t.includes('287(g) alerts on for this channel'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('287(g) alerts updated for this channel'))).toHaveLength(39);
    // Each answer names its own state among the channel's states as stored when it ran: 1, 2, ..., 40 of them.
    const stored = texts.map((t) => /\*States\*\n(.*)/.exec(t)?.[1]?.split(', ') ?? []);
    expect(stored.map((l) => l.length).sort((a, b) => a - b)).toEqual(FORTY.map((_, i) => i + 1));
    for (const [i, s] of FORTY.entries()) expect(stored[i]).toContain(s.name);
  }, 60_000);

  test('a /subscribe tx and a /subscribe ok at once in each of 20 channels: every channel keeps both', async () => {
    const channels = Array.from({ length: 20 }, (_, i) => `C0PAIR${i}`);
    const sent = await Promise.all(
      channels.flatMap((channel_id) => ['tx', 'ok'].map((text) => h.slash('/subscribe', text, { channel_id }))),
    );
    await Promise.all(sent.map((s) => h.slack.waitForResponse(s.id, ANSWER_WITHIN_MS).then((r) => r.body)));
    for (const channelId of channels) {
      expect((await subscriptions().get(channelKey('slack', 'T0TEST', channelId)))?.states).toEqual(expect.arrayContaining(['TX', 'OK']));
    }
    expect((await subscriptions().forState('OK')).map((s) => s.channelId).sort()).toEqual([...channels].sort());
  }, 60_000);

  test('subscribe and unsubscribe in quick succession (each acked before the next, none answered yet) end in the state of the last', async () => {
    const sequence: Array<[string, string]> = [
      ['/subscribe', 'tx'],
      ['/unsubscribe', 'tx'],
      ['/subscribe', 'tx ok'],
      ['/unsubscribe', 'everything'],
      ['/subscribe', 'ca fl'],
      ['/unsubscribe', 'fl'],
    ];
    const sent = [];
    for (const [command, text] of sequence) sent.push(await h.slash(command, text));
    const answers = await Promise.all(sent.map((s) => h.slack.waitForResponse(s.id, ANSWER_WITHIN_MS).then((r) => r.body)));
    expect(answers.map((a) => textsOf(a.blocks).join('\n')).filter((t) => t.includes('Sorry'))).toEqual([]);
    expect((await subscriptions().get(KEY))?.states).toEqual(['CA']);
    for (const code of ['TX', 'OK', 'FL']) expect(await subscriptions().forState(code)).toEqual([]);
  }, 60_000);
});
