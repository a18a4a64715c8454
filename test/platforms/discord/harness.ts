/**
 * Drives the Discord interaction handler the way the gateway does, without a gateway:
 * a real discord.js Client (never logged in) whose REST points at the loopback stand-in,
 * raw interaction payloads turned into Interaction objects by discord.js's own
 * `InteractionCreate` action (what the INTERACTION_CREATE packet handler calls), and command
 * services on a real in-memory database seeded with a real parsed ICE list.
 */
import { Client, Events, GatewayIntentBits, PermissionFlagsBits, type Interaction } from 'discord.js';
import { Writable } from 'node:stream';
import type { Command } from '../../../commands/command';
import { DEFAULT_GUARDS, judgePublication } from '../../../src/domain/agreements/guards';
import { contentHashOf } from '../../../src/domain/agreements/snapshot';
import type { Agreement, Snapshot } from '../../../src/domain/types';
import { createLogger, type Logger } from '../../../src/logging/logger';
import { createInteractionHandler } from '../../../src/platforms/discord/interactions';
import { openDatabase, type StoreDb } from '../../../src/store/db/database';
import type { SnapshotStore } from '../../../src/store/snapshot-store';
import { createSubscriptionStore, type SubscriptionStore } from '../../../src/store/subscription-store';
import { startDiscordApi, type DiscordApi } from '../../../stand-ins/discord-api';
import { memorySnapshots } from '../../helpers/memory-snapshots';
import { loadSnapshot } from '../../helpers/fixtures';

export const APP_ID = '1100000000000000001';
export const GUILD_ID = '1100000000000000002';
export const CHANNEL_ID = '1100000000000000003';
export const USER_ID = '1100000000000000004';
export const FIXTURE = 'participatingAgencies12122025pm.xlsx';
export const NOW = new Date('2025-12-13T10:00:00.000Z');

const bits = (...flags: bigint[]) => flags.reduce((a, b) => a | b, 0n).toString();
/** A moderator: can manage channels. */
export const MODERATOR = bits(PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.ManageChannels);
/** An ordinary member. */
export const MEMBER = bits(PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.UseApplicationCommands);
/** What the bot has in a channel where it can post alerts. */
export const BOT_CAN_POST = bits(PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks);

let nextId = 1_200_000_000_000_000_000n;
const snowflake = () => String(nextId++);

interface RawOptions {
  permissions?: string;
  appPermissions?: string;
  guildId?: string | null;
  /** Default CHANNEL_ID. */
  channelId?: string;
}

function envelope(type: number, data: unknown, o: RawOptions = {}) {
  const id = snowflake();
  const guildId = o.guildId === undefined ? GUILD_ID : o.guildId;
  const channelId = o.channelId ?? CHANNEL_ID;
  const user = { id: USER_ID, username: 'reporter', global_name: 'A Reporter', discriminator: '0', avatar: null };
  return {
    id,
    application_id: APP_ID,
    type,
    token: `token-${id}`,
    version: 1,
    ...(guildId
      ? {
          guild_id: guildId,
          member: {
            user,
            roles: [],
            permissions: o.permissions ?? MEMBER,
            joined_at: '2025-01-01T00:00:00.000Z',
            nick: null,
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : { user }),
    channel_id: channelId,
    channel: { id: channelId, type: guildId ? 0 : 1, name: 'alerts', guild_id: guildId ?? undefined },
    app_permissions: o.appPermissions ?? BOT_CAN_POST,
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: guildId ? { 0: guildId } : { 1: USER_ID },
    context: guildId ? 0 : 1,
    attachment_size_limit: 26214400,
    data,
  };
}

/** A type 2 (application command) payload for `/name option:value ...`. */
export function rawCommand(name: string, options: Record<string, string>, o?: RawOptions) {
  return envelope(
    2,
    { id: snowflake(), name, type: 1, options: Object.entries(options).map(([k, v]) => ({ name: k, type: 3, value: v })) },
    o,
  );
}

/** A type 4 (autocomplete) payload with `focused` typed so far. */
export function rawAutocomplete(name: string, focused: string, typed: string, o?: RawOptions) {
  return envelope(4, { id: snowflake(), name, type: 1, options: [{ name: focused, type: 3, value: typed, focused: true }] }, o);
}

/** A type 3 (button) payload, clicked on `message` (a message body as the bot sent it). */
export function rawButton(customId: string, message: { embeds?: unknown[]; components?: unknown[] }, o?: RawOptions) {
  const raw = envelope(3, { custom_id: customId, component_type: 2 }, o);
  return {
    ...raw,
    message: {
      id: snowflake(),
      channel_id: CHANNEL_ID,
      type: 20,
      content: '',
      tts: false,
      pinned: false,
      flags: 0,
      embeds: message.embeds ?? [],
      components: message.components ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      author: { id: APP_ID, username: 'ice-watch', discriminator: '0000', global_name: null, avatar: null, bot: true },
      timestamp: NOW.toISOString(),
      edited_timestamp: null,
      application_id: APP_ID,
    },
  };
}

/** Feeds a raw payload through discord.js's own InteractionCreate action; resolves to what it emitted. */
export function toInteraction(client: Client, raw: unknown): Interaction {
  let emitted: Interaction | undefined;
  const grab = (i: Interaction) => (emitted = i);
  client.once(Events.InteractionCreate, grab);
  (client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }).actions.InteractionCreate.handle(raw);
  client.off(Events.InteractionCreate, grab);
  if (!emitted) throw new Error('discord.js emitted no interaction for this payload');
  return emitted;
}

/** Seeds the participating list: the fixture, optionally changed, accepted as the baseline. */
export async function seedParticipating(store: SnapshotStore, change?: (rows: Agreement[]) => Agreement[]): Promise<Snapshot> {
  const fixture = await loadSnapshot(FIXTURE, 'participating', '2025-12-12T21:00:00.000Z');
  const rows = change ? change([...fixture.rows]) : fixture.rows;
  const snapshot: Snapshot = { ...fixture, rows, contentHash: contentHashOf(rows) };
  const outcome = judgePublication(null, snapshot, { now: new Date(snapshot.meta.fetchedAt), guards: DEFAULT_GUARDS });
  await store.saveState('participating', outcome.next!, 'baseline');
  return snapshot;
}

export interface Harness {
  api: DiscordApi;
  client: Client;
  /** The database holding the subscriptions (the given one, or the harness's own in memory). */
  db: StoreDb;
  snapshots: SnapshotStore;
  subscriptions: SubscriptionStore;
  logger: Logger;
  /** Log lines written so far (JSON objects). */
  logs: Array<Record<string, unknown>>;
  /** Turns the payload into an Interaction and awaits the handler. */
  dispatch(raw: unknown): Promise<void>;
  close(): Promise<void>;
}

/** `db`: the database to run on (default a fresh one in memory, which the harness closes; a given one its owner closes). */
export async function startHarness(
  opts: { commands?: Command[]; deferAfterMs?: number; seed?: (rows: Agreement[]) => Agreement[]; db?: StoreDb } = {},
): Promise<Harness> {
  const api = await startDiscordApi();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: api.apiUrl } });
  // The snapshots live apart from a given database (which holds what the test shares: subscriptions).
  const snapshots = memorySnapshots();
  const db = opts.db ?? openDatabase('memory://');
  const subscriptions = createSubscriptionStore(db);
  await seedParticipating(snapshots, opts.seed);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const handle = createInteractionHandler({
    services: { snapshots, subscriptions },
    logger,
    now: () => NOW,
    commands: opts.commands,
    deferAfterMs: opts.deferAfterMs,
  });
  return {
    api,
    client,
    db,
    snapshots,
    subscriptions,
    logger,
    logs,
    dispatch: (raw) => handle(toInteraction(client, raw)),
    async close() {
      await client.destroy();
      if (!opts.db) await db.close();
      await api.close();
    },
  };
}
