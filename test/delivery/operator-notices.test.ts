import { OPERATOR_NOTICE_RETRY_DELAYS_MS, sendOperatorNotice } from '../../src/delivery/operator-notices';
import { createLogger } from '../../src/logging/logger';
import { createDiscordRest, notifyOperatorChannel } from '../../src/platforms/discord/alert-sender';
import { startDiscordApi, type DiscordApi } from '../../stand-ins/discord-api';

const OPS = '1100000000000000099';
const logger = createLogger('silent');

/** Operator notices through the Discord REST stand-in, with discord.js's own retries off: each attempt is one request. */
describe('sendOperatorNotice', () => {
  let api: DiscordApi;
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  beforeEach(async () => {
    api = await startDiscordApi();
    waits.length = 0;
  });
  afterEach(() => api.close());
  const output = () => {
    const rest = createDiscordRest({ token: 't', apiUrl: api.apiUrl, retries: 0 });
    return (text: string) => notifyOperatorChannel(rest, OPS, text);
  };

  test('a notice lost to a server error is sent again, and lands once', async () => {
    api.faultChannel(OPS, { kind: 'serverError', status: 502 }, 2);
    const result = await sendOperatorNotice(
      output(),
      'ice-watch held: 900000 new agreements in Texas',
      logger,
      OPERATOR_NOTICE_RETRY_DELAYS_MS,
      sleep,
    );
    expect(result).toEqual({ ok: true });
    expect(api.requestsTo('POST', `/channels/${OPS}/messages`)).toHaveLength(3);
    expect(api.messages(OPS).map((m) => (m.body as { content: string }).content)).toEqual([
      'ice-watch held: 900000 new agreements in Texas',
    ]);
    expect(waits).toEqual([...OPERATOR_NOTICE_RETRY_DELAYS_MS]);
  });

  test('the retries are bounded: after the last one the failure is returned, not thrown', async () => {
    api.faultChannel(OPS, { kind: 'serverError' });
    const result = await sendOperatorNotice(output(), 'notice', logger, [5, 5], sleep);
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(api.requestsTo('POST', `/channels/${OPS}/messages`)).toHaveLength(3);
  });

  test('a permanent failure (the bot lost access to the channel) is not retried', async () => {
    api.faultChannel(OPS, { kind: 'error', status: 403, code: 50013, message: 'Missing Permissions' });
    const result = await sendOperatorNotice(output(), 'notice', logger, [5, 5], sleep);
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(api.requestsTo('POST', `/channels/${OPS}/messages`)).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
