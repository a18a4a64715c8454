import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { createLogger } from '../../../src/logging/logger';
import { createSlackApp, type SlackAppOptions } from '../../../src/platforms/slack/app';
import { startSlackApi, type SlackStandIn } from '../../../stand-ins/slack-api';
import { BOT_TOKEN, seedServices, startHarness } from './harness';

let slack: SlackStandIn;
let base: SlackAppOptions;

beforeAll(async () => {
  slack = await startSlackApi();
  const { leases, snapshots, subscriptions } = await seedServices();
  base = {
    botToken: BOT_TOKEN,
    port: 0,
    host: '127.0.0.1',
    apiUrl: slack.apiUrl,
    services: { snapshots, subscriptions },
    replayLeases: leases,
    logger: createLogger('silent'),
    adminsOnly: false,
  };
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.calls.length = 0;
});

describe('createSlackApp', () => {
  test('building the app calls nothing and listens nowhere; the app token chooses Socket Mode, else HTTP', () => {
    expect(createSlackApp({ ...base, signingSecret: 's' }).receiver).toBeInstanceOf(HTTPReceiver);
    expect(createSlackApp({ ...base, appToken: 'xapp-1-A0-1-abc', signingSecret: 's' }).receiver).toBeInstanceOf(SocketModeReceiver);
    expect(slack.calls).toEqual([]);
  });

  test('without an app token or a signing secret it refuses to build', () => {
    expect(() => createSlackApp(base)).toThrow('SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  });

  test('a bot token Slack refuses fails start(), before anything listens', async () => {
    slack.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    try {
      const app = createSlackApp({ ...base, signingSecret: 's' });
      await expect(app.start()).rejects.toThrow('invalid_auth');
      await expect(app.stop()).rejects.toThrow('not started');
    } finally {
      slack.on('auth.test', () => ({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEST' }));
    }
  });

  test('Socket Mode opens its connection through SLACK_API_URL with the app token', async () => {
    slack.on('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
    const app = createSlackApp({ ...base, appToken: 'xapp-1-A0-1-abc' });
    await expect(app.start()).rejects.toThrow();
    const [open] = slack.callsTo('apps.connections.open');
    expect(open.headers.authorization).toBe('Bearer xapp-1-A0-1-abc');
    expect(slack.callsTo('auth.test')[0].headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    await app.stop().catch(() => undefined);
  });

  test('a command the manifest declares but this version lacks is answered in the ack, privately', async () => {
    const h = await startHarness();
    try {
      const { res } = await h.slash('/nonesuch', 'anything');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'ice-watch cannot answer /nonesuch in this version.' });
    } finally {
      await h.close();
    }
  });
});
