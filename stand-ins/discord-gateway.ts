/**
 * A loopback stand-in for Discord's gateway (the websocket a discord.js Client logs in to),
 * speaking just enough of the protocol (API v10, JSON, no compression) for discord.js v14:
 *
 *   server: HELLO (op 10, heartbeat_interval)
 *   client: IDENTIFY (op 2: token, intents, shard [id, count])
 *   server: READY (op 0, t READY: session_id, resume_gateway_url, user, application {id},
 *           the shard's guilds as unavailable), then one GUILD_CREATE per guild
 *   client: HEARTBEAT (op 1) -> server: HEARTBEAT_ACK (op 11); op 1 from the server is not sent
 *   server: INTERACTION_CREATE (op 0) to the connection whose shard owns the interaction's guild
 *
 * A guild belongs to shard `(guild_id >> 22) % shard_count`, as on Discord. A RESUME (op 6)
 * is answered with INVALID_SESSION (op 9, not resumable), so the client identifies again.
 * Point the REST stand-in's `GET /gateway/bot` at `url` (startDiscordApi's `gateway` option).
 *
 * @example
 *   const gateway = await startDiscordGateway({ guilds: [{ id: GUILD, name: 'Newsroom' }] });
 *   const api = await startDiscordApi({ gateway: { url: gateway.url, shards: 2 } });
 *   // ... start a client or a sharding manager with DISCORD_API_URL=api.apiUrl, then:
 *   await gateway.waitForReady(2);
 *   const shard = gateway.dispatchInteraction(rawCommand('status', {}, { guildId: GUILD }));
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StandInGuild {
  id: string;
  name: string;
  /** Text channels of the guild (ids); the guild's id doubles as its @everyone role. */
  channels?: string[];
}

export interface GatewayConnection {
  /** Order of arrival, from 1. */
  index: number;
  /** The client's TCP port on loopback: with /proc this tells which process holds the connection. */
  remotePort: number;
  /** `[id, count]` from IDENTIFY; null until identified. */
  shard: [number, number] | null;
  identify: Record<string, unknown> | null;
  /** READY and the guilds' GUILD_CREATE were sent. */
  ready: boolean;
  /** Dispatches sent on this connection (t), in order. */
  dispatched: string[];
  /** Ids of the interactions dispatched on this connection. */
  interactions: string[];
  heartbeats: number;
  closed: boolean;
}

export interface DiscordGateway {
  /** `ws://127.0.0.1:<port>`: what `/gateway/bot` answers as `url`. */
  url: string;
  connections: GatewayConnection[];
  /** The identified connections' shard pairs, in order of identification. */
  identified(): Array<[number, number]>;
  /** Resolves once `count` connections are ready (READY and GUILD_CREATEs sent). */
  waitForReady(count: number, timeoutMs?: number): Promise<GatewayConnection[]>;
  /** The shard id that owns a guild for a shard count. */
  shardOf(guildId: string, shardCount: number): number;
  /**
   * Sends INTERACTION_CREATE to the ready connection owning the interaction's guild; returns
   * that connection. Throws when none does (so a test cannot silently dispatch nowhere).
   */
  dispatchInteraction(raw: { guild_id?: string } & Record<string, unknown>): GatewayConnection;
  close(): Promise<void>;
}

export interface DiscordGatewayOptions {
  guilds: StandInGuild[];
  /** The bot user's id (READY's user and application id). */
  botId?: string;
  appId?: string;
  /** Tokens IDENTIFY may carry (default: any); another closes the connection with 4004, as Discord does. */
  acceptTokens?: string[];
  heartbeatIntervalMs?: number;
}

const HELLO = 10;
const IDENTIFY = 2;
const HEARTBEAT = 1;
const HEARTBEAT_ACK = 11;
const DISPATCH = 0;
const RESUME = 6;
const INVALID_SESSION = 9;
const AUTHENTICATION_FAILED = 4004;

const shardOf = (guildId: string, shardCount: number) => Number((BigInt(guildId) >> 22n) % BigInt(shardCount));

/** A guild as GUILD_CREATE carries it: just what discord.js's Guild needs to build itself. */
function guildCreate(guild: StandInGuild, botId: string) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: '1000000000000000001',
    unavailable: false,
    member_count: 1,
    large: false,
    joined_at: '2025-01-01T00:00:00.000Z',
    features: [],
    premium_tier: 0,
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        permissions: '3072',
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: (guild.channels ?? []).map((id, position) => ({
      id,
      type: 0,
      name: `channel-${position}`,
      position,
      permission_overwrites: [],
      guild_id: guild.id,
    })),
    members: [
      {
        user: { id: botId, username: 'ice-watch', discriminator: '0000', global_name: null, avatar: null, bot: true },
        roles: [],
        joined_at: '2025-01-01T00:00:00.000Z',
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    presences: [],
    voice_states: [],
    emojis: [],
    stickers: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

export async function startDiscordGateway(options: DiscordGatewayOptions): Promise<DiscordGateway> {
  const botId = options.botId ?? '1000000000000000042';
  const appId = options.appId ?? botId;
  const accepted = options.acceptTokens ? new Set(options.acceptTokens) : null;
  const connections: GatewayConnection[] = [];
  const sockets = new Map<GatewayConnection, { ws: WebSocket; seq: number }>();
  const identifiedOrder: Array<[number, number]> = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dispatch = (conn: GatewayConnection, t: string, d: unknown) => {
    const socket = sockets.get(conn)!;
    socket.seq += 1;
    socket.ws.send(JSON.stringify({ op: DISPATCH, t, s: socket.seq, d }));
    conn.dispatched.push(t);
  };

  server.on('connection', (ws, req) => {
    const conn: GatewayConnection = {
      index: connections.length + 1,
      remotePort: req.socket.remotePort ?? 0,
      shard: null,
      identify: null,
      ready: false,
      dispatched: [],
      interactions: [],
      heartbeats: 0,
      closed: false,
    };
    connections.push(conn);
    sockets.set(conn, { ws, seq: 0 });
    ws.on('close', () => {
      conn.closed = true;
      wake();
    });
    ws.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> | null };
      if (payload.op === HEARTBEAT) {
        conn.heartbeats += 1;
        ws.send(JSON.stringify({ op: HEARTBEAT_ACK, d: null, s: null, t: null }));
      } else if (payload.op === RESUME) {
        ws.send(JSON.stringify({ op: INVALID_SESSION, d: false, s: null, t: null }));
      } else if (payload.op === IDENTIFY && payload.d) {
        const d = payload.d;
        if (accepted && !accepted.has(String(d.token))) {
          ws.close(AUTHENTICATION_FAILED, 'Authentication failed.');
          return;
        }
        const [id, count] = (d.shard as [number, number] | undefined) ?? [0, 1];
        conn.shard = [id, count];
        conn.identify = d;
        identifiedOrder.push([id, count]);
        const mine = options.guilds.filter((g) => shardOf(g.id, count) === id);
        dispatch(conn, 'READY', {
          v: 10,
          user: {
            id: botId,
            username: 'ice-watch',
            discriminator: '0000',
            global_name: null,
            avatar: null,
            bot: true,
            verified: true,
            flags: 0,
          },
          guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
          session_id: randomUUID().replaceAll('-', ''),
          resume_gateway_url: url,
          shard: [id, count],
          application: { id: appId, flags: 0 },
        });
        for (const guild of mine) dispatch(conn, 'GUILD_CREATE', guildCreate(guild, botId));
        conn.ready = true;
        wake();
      }
    });
    ws.send(JSON.stringify({ op: HELLO, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null }));
  });

  return {
    url,
    connections,
    identified: () => [...identifiedOrder],
    shardOf,
    waitForReady(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const ready = connections.filter((c) => c.ready && !c.closed);
          if (ready.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(ready);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = connections
            .map((c) => `#${c.index} shard ${JSON.stringify(c.shard)} ready ${c.ready} closed ${c.closed}`)
            .join('; ');
          reject(new Error(`no ${count} ready gateway connections within ${timeoutMs} ms; saw: ${seen || 'none'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    dispatchInteraction(raw) {
      if (!raw.guild_id) throw new Error('the stand-in routes interactions by guild_id; this one has none');
      const owner = connections.find((c) => c.ready && !c.closed && c.shard && shardOf(raw.guild_id!, c.shard[1]) === c.shard[0]);
      if (!owner) throw new Error(`no ready connection owns guild ${raw.guild_id}`);
      dispatch(owner, 'INTERACTION_CREATE', raw);
      owner.interactions.push(String(raw.id));
      return owner;
    },
    close() {
      for (const { ws } of sockets.values()) ws.terminate();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
