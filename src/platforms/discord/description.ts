import type { Line, Reply } from '../../messages/reply';
import { escapeUntrusted, renderLine, renderLineWithin } from './discord-text';

/** Room kept for the "… and N more" line when a reply falls back to cutting at one place. */
const MORE_NOTE_ROOM = 100;
/** A first item is shown cut (with an ellipsis) rather than not at all when at least this much room is left for it. */
const MIN_CUT_ITEM = 40;
const ITEM_PREFIX = '• ';

/** A block of the description: lines always shown (text, a list's heading) and list items that may be cut. */
interface Group {
  fixed: Line[];
  fixedText: string[];
  items: Line[];
  rendered: string[];
  /** "… and N more" for this list, with its hint. */
  note: (hidden: number) => string;
}

/** What the reader can do about the list items that did not fit. */
export function moreNote(count: number, hasButtons: boolean, hint?: string): string {
  if (hint) return `… and ${count} more ${escapeUntrusted(hint)}`;
  return `… and ${count} more (${hasButtons ? 'use the buttons, or narrow the question' : 'narrow the question to see them'})`;
}

function groupsOf(reply: Reply, hasButtons: boolean): Group[] {
  return reply.blocks.flatMap((block): Group[] => {
    if (block.kind === 'text')
      return [{ fixed: block.lines, fixedText: block.lines.map(renderLine), items: [], rendered: [], note: () => '' }];
    if (block.kind !== 'list') return [];
    const heading: Line[] = block.heading ? [[{ bold: block.heading }]] : [];
    return [
      {
        fixed: heading,
        fixedText: heading.map(renderLine),
        items: block.items,
        rendered: block.items.map((i) => ITEM_PREFIX + renderLine(i)),
        note: (hidden) => moreNote(hidden, hasButtons, block.moreHint),
      },
    ];
  });
}

/** The lines of a group showing its first `shown` items (the last one replaced by `cutLast` when given). */
function linesOf(g: Group, shown: number, cutLast?: string): string[] {
  const items = g.rendered.slice(0, shown);
  if (cutLast !== undefined) items[shown - 1] = cutLast;
  const hidden = g.items.length - shown;
  return [...g.fixedText, ...items, ...(hidden ? [g.note(hidden)] : [])];
}

const sizeOf = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length, 0) + Math.max(0, lines.length - 1);

/**
 * The description of a reply within `max` characters. When everything does not fit, every
 * list keeps its heading and shares the room with the others: one item each in turn while
 * they fit, so a short list (1 renewal) is shown whole beside a long one (77 signings), and
 * each cut list ends with its own "… and N more". No list, and so no kind of event, is ever
 * dropped for another. Only when even the headings and notes cannot fit (dozens of lists)
 * does it fall back to whole lines in order and one note for the rest.
 */
export function renderDescription(reply: Reply, max: number, hasButtons: boolean): string {
  const groups = groupsOf(reply, hasButtons);
  const whole = groups.flatMap((g) => linesOf(g, g.items.length));
  if (sizeOf(whole) <= max) return whole.join('\n');

  const shown = groups.map(() => 0);
  const sizes = groups.map((g) => sizeOf(linesOf(g, 0)));
  // Lines of different groups are joined by a line break: the groups' sizes plus one between each two.
  const parts = groups.filter((g) => g.fixed.length || g.items.length).length;
  const total = () => sizes.reduce((a, b) => a + b, 0) + Math.max(0, parts - 1);
  if (total() > max) return renderInOrder(groups, max);

  const full = groups.map(() => false);
  for (let progress = true; progress; ) {
    progress = false;
    for (let i = 0; i < groups.length; i++) {
      if (full[i] || shown[i] === groups[i].items.length) continue;
      const before = sizes[i];
      sizes[i] = sizeOf(linesOf(groups[i], shown[i] + 1));
      if (total() <= max) {
        shown[i] += 1;
        progress = true;
      } else {
        sizes[i] = before;
        full[i] = true;
      }
    }
  }
  // A list whose first item alone is too long still shows that item, cut, where there is room for it.
  const cuts = groups.map((g, i): string | undefined => {
    if (shown[i] || !g.items.length) return undefined;
    const withOne = sizeOf(linesOf(g, 1, ''));
    const room = max - (total() - sizes[i] + withOne) - ITEM_PREFIX.length;
    if (room < MIN_CUT_ITEM) return undefined;
    const cut = ITEM_PREFIX + renderLineWithin(g.items[0], room);
    shown[i] = 1;
    sizes[i] = sizeOf(linesOf(g, 1, cut));
    return cut;
  });
  return groups.flatMap((g, i) => linesOf(g, shown[i], cuts[i])).join('\n');
}

/** Whole lines while they fit in `max`, then one "… and N more" counting the list items left out. */
function renderInOrder(groups: readonly Group[], max: number): string {
  const entries = groups.flatMap((g) => [
    ...g.fixed.map((line, i) => ({ text: g.fixedText[i], line, prefix: '', item: false, group: g })),
    ...g.items.map((line, i) => ({ text: g.rendered[i], line, prefix: ITEM_PREFIX, item: true, group: g })),
  ]);
  const budget = max - MORE_NOTE_ROOM;
  const kept: string[] = [];
  let used = 0;
  let index = 0;
  for (; index < entries.length; index++) {
    const add = entries[index].text.length + (kept.length ? 1 : 0);
    if (used + add > budget) break;
    kept.push(entries[index].text);
    used += add;
  }
  if (!kept.length && entries.length) {
    // One line longer than the whole budget: as much of it as fits.
    const first = entries[0];
    kept.push(first.prefix + renderLineWithin(first.line, budget - first.prefix.length));
    index = 1;
  }
  const left = entries.slice(index).filter((e) => e.item);
  kept.push(left.length ? left[0].group.note(left.length) : '…');
  return kept.join('\n');
}
