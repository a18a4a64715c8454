import type { ListKind } from '../src/domain/types';
import type { Command } from './command';
import type { Line, ReplyField } from './reply';
import { formatUtcMinute } from '../src/domain/text';

const SOURCES: Array<[ListKind, string]> = [
  ['participating', 'Participating agencies'],
  ['pending', 'Pending agencies'],
];


/** The health record of the 287(g) page poll (src/main.ts names it so). */
export const POLL_SOURCE = 'participating and pending lists (287(g) page)';

/** `/status`: each source's last poll, last change, current file, held and rejected files. */
export default {
  name: 'status',
  description: 'What ice-watch last fetched from ICE, and any file it held or rejected',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const fields: ReplyField[] = [];
    let trouble = false;
    for (const [source, label] of SOURCES) {
      const [state, judgements, history] = await Promise.all([
        ctx.services.snapshots.getState(source),
        ctx.services.snapshots.judgements(source),
        ctx.services.snapshots.history(source),
      ]);
      const last = judgements.at(-1);
      const lastChange = history.at(-1);
      const rejected = [...judgements].reverse().find((j) => j.verdict === 'rejected');
      const lines: Line[] = [];
      if (!last) lines.push(['Not polled yet.']);
      else lines.push([`Last judged: ${formatUtcMinute(last.at)}, ${last.verdict}`, last.reason && last.verdict !== 'accepted' ? ` (${last.reason})` : '']);
      if (state) lines.push([`Current list: ${state.view.rows.length} rows, `, state.view.meta.fileName, `, fetched ${formatUtcMinute(state.view.meta.fetchedAt)}`]);
      if (lastChange) lines.push([`Last change: ${formatUtcMinute(lastChange.fetchedAt)} (`, lastChange.fileName, ')']);
      if (state?.held.length) {
        trouble = true;
        lines.push([{ bold: `${state.held.length} endings held as suspect` }, ` since ${formatUtcMinute(state.held[0].since)}: confirmed by a publication an hour later, or an operator decides`]);
      }
      if (state?.heldAdditions?.length) {
        trouble = true;
        lines.push([{ bold: `${state.heldAdditions.length} signings held as suspect` }, ` since ${formatUtcMinute(state.heldAdditions[0].since)}: confirmed by a publication an hour later, or an operator decides`]);
      }
      if (rejected) {
        trouble ||= rejected === last;
        lines.push([`Last rejected file: ${formatUtcMinute(rejected.at)}, `, rejected.fileName, `: ${rejected.reason ?? ''}`]);
      }
      fields.push({ name: label, value: lines.flatMap((l, i) => (i ? ['\n', ...l] : l)) });
    }
    const polls = await ctx.services.health?.get(POLL_SOURCE);
    if (polls?.consecutiveFailures) {
      trouble = true;
      fields.push({
        name: 'Polling ICE',
        value: [
          { bold: `${polls.consecutiveFailures} failed ${polls.consecutiveFailures === 1 ? 'poll' : 'polls'} in a row` },
          ` since ${formatUtcMinute(polls.firstFailureAt!)}: `, polls.lastError ?? '', `\nNext try after ${formatUtcMinute(polls.nextAttemptAt!)}; the stored lists still answer.`,
        ],
      });
    } else if (polls?.lastSuccessAt) {
      fields.push({ name: 'Polling ICE', value: [`Last successful poll: ${formatUtcMinute(polls.lastSuccessAt)}`] });
    }
    const delivery = await ctx.services.delivery?.();
    if (delivery) {
      const lines: Line[] = [[`${delivery.pending} waiting to be sent`, delivery.oldestPendingAt ? ` (oldest planned ${formatUtcMinute(delivery.oldestPendingAt)})` : '']];
      for (const q of delivery.queue) {
        lines.push([`Shared queue, ${q.platform}: ${q.waiting} queued, ${q.active} sending, ${q.delayed} retrying later, ${q.failed} failed jobs`]);
        if (q.failed) trouble = true;
      }
      if (delivery.deadLetters.length) {
        trouble = true;
        const d = delivery.deadLetters[0]!;
        const n = delivery.deadLetters.length;
        lines.push([{ bold: `${n}${n === 5 ? '+' : ''} ${n === 1 ? 'alert' : 'alerts'} given up` }, ` (latest: `, d.channel, `: `, d.lastError ?? 'unknown error', ')']);
      }
      if (delivery.poller) lines.push(['Polling instance: ', delivery.poller]);
      fields.push({ name: `Deliveries (${delivery.mode})`, value: lines.flatMap((l, i) => (i ? ['\n', ...l] : l)) });
    }
    return {
      tone: trouble ? 'error' : 'info',
      title: 'ice-watch status',
      blocks: [{ kind: 'fields', fields }],
      footer: 'Sources: https://www.ice.gov/identify-and-arrest/287g',
    };
  },
} satisfies Command;
