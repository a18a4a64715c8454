import { InteractionResponseType, InteractionType, MessageFlags, Routes, type Client } from 'discord.js';
import type { Logger } from '../../logging/logger';

/** The answer to an interaction discord.js could not read (a malformed or forged payload). */
export const MALFORMED_INTERACTION_REFUSAL = 'ice-watch could not read this request, so it was refused. Run the command again.';

/** A gateway dispatch as discord.js's WebSocketManager hands it to its packet handlers. */
interface GatewayPacket {
  t?: string | null;
  d?: unknown;
}

/** discord.js's private packet entry point (WebSocketManager#handlePacket, v14). */
interface PacketHandling {
  handlePacket(packet?: GatewayPacket, shard?: unknown): boolean;
}

const SNOWFLAKE = /^\d{17,20}$/;

/**
 * Makes a gateway packet that discord.js cannot build refused, not fatal.
 *
 * discord.js turns each dispatch into its objects inside the websocket's message handler;
 * when that throws (an interaction whose `member.permissions` is `"abc"`: the permission
 * bit field throws a RangeError), nothing above it catches and the whole process dies,
 * Slack, polls and the outbox with it. This wraps the client's packet handler (the one
 * place every dispatch, queued or not, goes through): a packet that throws is logged and
 * dropped, and an interaction among them gets an ephemeral refusal through the interaction
 * callback (no token needed), so the asker is not left waiting. What discord.js had already
 * cached from that packet stays as it was; the Guilds cache is not something commands rely on.
 */
export function guardPacketHandling(client: Client, logger: Logger): void {
  const ws = client.ws as unknown as PacketHandling;
  if (typeof ws.handlePacket !== 'function') {
    // A discord.js without this entry point (a major upgrade): say so rather than guard nothing silently.
    logger.warn({ platform: 'discord' }, 'discord.js has no WebSocketManager#handlePacket: malformed gateway packets are not guarded');
    return;
  }
  const handle = ws.handlePacket.bind(ws);
  // An own property: discord.js's `this.handlePacket(...)` for queued packets goes through it too.
  ws.handlePacket = (packet, shard) => {
    try {
      return handle(packet, shard);
    } catch (err) {
      logger.error({ err, platform: 'discord', event: packet?.t ?? null }, 'a gateway packet discord.js could not read was dropped');
      if (packet?.t === 'INTERACTION_CREATE') void refuseInteraction(client, packet.d, logger);
      return true;
    }
  };
}

/** Answers a raw interaction that could not be read: an empty list to autocomplete, an ephemeral refusal to the rest. */
async function refuseInteraction(client: Client, raw: unknown, logger: Logger): Promise<void> {
  const d = (typeof raw === 'object' && raw !== null ? raw : {}) as { id?: unknown; token?: unknown; type?: unknown };
  if (typeof d.id !== 'string' || !SNOWFLAKE.test(d.id) || typeof d.token !== 'string' || !/^[\w.-]{1,500}$/.test(d.token)) return;
  if (d.type === InteractionType.Ping) return;
  const body =
    d.type === InteractionType.ApplicationCommandAutocomplete
      ? { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }
      : {
          type: InteractionResponseType.ChannelMessageWithSource,
          data: { content: MALFORMED_INTERACTION_REFUSAL, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
        };
  try {
    await client.rest.post(Routes.interactionCallback(d.id, d.token), { body, auth: false });
  } catch (err) {
    logger.warn({ err, platform: 'discord', interaction: d.id }, 'could not refuse the unreadable interaction');
  }
}
