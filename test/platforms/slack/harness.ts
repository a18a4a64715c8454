/**
 * The Slack app as it runs, for tests: Bolt's own HTTP receiver on loopback, the Web API
 * and response_urls served by the stand-in of test/helpers/slack-api.ts, and a real
 * database (SQLite in memory unless the test gives one) seeded with a real ICE file (plus one agency with a hostile name,
 * in Oregon, which has no agreement in the file).
 */
import { Writable } from 'node:stream';
import type { Command } from '../../../commands/command';
import { commands as registry } from '../../../commands/index';
import { DEFAULT_GUARDS, judgePublication } from '../../../src/domain/agreements/guards';
import { contentHashOf } from '../../../src/domain/agreements/snapshot';
import type { Agreement, Snapshot } from '../../../src/domain/types';
import { createLogger } from '../../../src/logging/logger';
import { createSlackApp, type SlackApp } from '../../../src/platforms/slack/app';
import { openDatabase, type StoreDb } from '../../../src/store/db/database';
import { createDbLeases } from '../../../src/store/leases';
import { createSubscriptionStore } from '../../../src/store/subscription-store';
import { loadSnapshot } from '../../helpers/fixtures';
import { memorySnapshots } from '../../helpers/memory-snapshots';
import { startSlackApi, type SignOptions, type SlackStandIn } from '../../../stand-ins/slack-api';

export const FIXTURE = 'participatingAgencies12122025pm.xlsx';
export const SECRET = 'test-signing-secret-8f2c';
export const BOT_TOKEN = 'xoxb-1111-2222-testbottoken';
export const VERIFICATION_TOKEN = 'verification-token-5d1e';
export const HOSTILE_AGENCY = '*bold* <!everyone> <@U123> & <script>';

export const HOSTILE_ROW: Agreement = {
  state: 'Oregon',
  stateCode: 'OR',
  agency: HOSTILE_AGENCY,
  agencyKey: 'bold everyone u123 script',
  type: 'County',
  county: 'Multnomah County',
  model: 'WSO',
  signed: '2025-12-01',
  moaUrl: 'https://www.ice.gov/doclib/287gMOA/Hostile_WSO_MOA.pdf',
  addendumUrl: null,
};

/**
 * The fixture with the hostile row added, as the accepted participating state (the snapshots in
 * memory); the subscriptions and the replay guard's leases on `db` (default: a fresh one in memory).
 */
export async function seedServices(db: StoreDb = openDatabase('memory://')) {
  const snapshots = memorySnapshots();
  const subscriptions = createSubscriptionStore(db);
  const file = await loadSnapshot(FIXTURE);
  const rows = [...file.rows, HOSTILE_ROW];
  const snap: Snapshot = { ...file, rows, contentHash: contentHashOf(rows) };
  const { next } = judgePublication(null, snap, { now: new Date(), guards: DEFAULT_GUARDS });
  await snapshots.saveState('participating', next!, 'baseline');
  return { db, leases: createDbLeases(db), snapshots, subscriptions, fixtureRows: file.rows };
}

export interface Harness {
  slack: SlackStandIn;
  app: SlackApp;
  services: Awaited<ReturnType<typeof seedServices>>;
  port: number;
  /** Every JSON log line, parsed. */
  logs: Array<Record<string, any>>;
  rawLogs: string[];
  /** Sends `/command text` from #alerts as @reporter; `answer()` waits for what was posted to its response_url. */
  slash(
    command: string,
    text: string,
    fields?: Record<string, string>,
    sign?: SignOptions,
  ): Promise<{ res: Response; id: string; answer: () => Promise<Record<string, any>> }>;
  /** Clicks a button with this action id and value, as @reporter in #alerts. */
  click(actionId: string, value: string): Promise<{ res: Response; answer: () => Promise<Record<string, any>> }>;
  close(): Promise<void>;
}

let seq = 0;

/** `db`: the database to run on (default a fresh one in memory, which the harness closes; a given one its owner closes). */
export async function startHarness(opts: { adminsOnly?: boolean; extraCommands?: Command[]; db?: StoreDb } = {}): Promise<Harness> {
  const slack = await startSlackApi();
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      rawLogs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const services = await seedServices(opts.db);
  const { snapshots, subscriptions } = services;
  const app = createSlackApp({
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    port: 0,
    host: '127.0.0.1',
    apiUrl: slack.apiUrl,
    services: { snapshots, subscriptions },
    replayLeases: services.leases,
    logger: createLogger('debug', sink),
    adminsOnly: opts.adminsOnly ?? false,
    commands: [...registry, ...(opts.extraCommands ?? [])],
  });
  const { port } = await app.start();
  const harness: Harness = {
    slack,
    app,
    services,
    port: port!,
    rawLogs,
    get logs() {
      return rawLogs.map((l) => JSON.parse(l));
    },
    async slash(command, text, fields = {}, sign) {
      const id = `cmd${++seq}`;
      const res = await slack.sendCommand(
        port!,
        SECRET,
        {
          token: VERIFICATION_TOKEN,
          team_id: 'T0TEST',
          team_domain: 'test',
          channel_id: 'C0ALERTS',
          channel_name: 'alerts',
          user_id: 'U0ASKER',
          user_name: 'reporter',
          command,
          text,
          api_app_id: 'A0APP',
          response_url: slack.responseUrl(id),
          trigger_id: '1.2.3',
          ...fields,
        },
        sign,
      );
      return { res, id, answer: async () => (await slack.waitForResponse(id)).body };
    },
    async click(actionId, value) {
      const id = `btn${++seq}`;
      const res = await slack.sendAction(port!, SECRET, {
        type: 'block_actions',
        token: VERIFICATION_TOKEN,
        api_app_id: 'A0APP',
        team: { id: 'T0TEST', domain: 'test' },
        user: { id: 'U0ASKER', username: 'reporter', name: 'reporter', team_id: 'T0TEST' },
        channel: { id: 'C0ALERTS', name: 'alerts' },
        container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0ALERTS', is_ephemeral: false },
        trigger_id: '4.5.6',
        response_url: slack.responseUrl(id),
        actions: [
          {
            type: 'button',
            action_id: actionId,
            block_id: 'b1',
            value,
            text: { type: 'plain_text', text: 'Next' },
            action_ts: '1700000001.000200',
          },
        ],
      });
      return { res, answer: async () => (await slack.waitForResponse(id)).body };
    },
    async close() {
      await app.stop();
      await slack.close();
      if (!opts.db) await services.db.close();
    },
  };
  return harness;
}

/** All mrkdwn and plain text of a message's blocks, in order. */
export function textsOf(blocks: any[]): string[] {
  return blocks
    .flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f: any) => f.text),
      ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text),
    ])
    .filter((t): t is string => typeof t === 'string');
}
