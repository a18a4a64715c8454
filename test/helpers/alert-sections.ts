import type { Reply, ReplyBlock } from '../../src/messages/reply';

/** What a rendered alert shows of one list: its heading, the items shown and the count its "… and N more" gives. */
export interface ShownSection {
  heading: string;
  shown: number;
  more: number;
}

/**
 * Reads the lists back out of rendered text lines: a heading line (as `headingOf` renders a
 * heading) opens a list, "• " lines are its items, "… and N more" its cut. Anything else is
 * kept as an `other` line so a test can see that nothing stray was printed.
 */
export function readSections(lines: readonly string[], headings: readonly string[], headingOf: (h: string) => string): ShownSection[] {
  const byLine = new Map(headings.map((h) => [headingOf(h), h]));
  const out: ShownSection[] = [];
  for (const line of lines) {
    const heading = byLine.get(line);
    const more = /^… and (\d+) more /.exec(line);
    if (heading !== undefined) out.push({ heading, shown: 0, more: 0 });
    else if (line.startsWith('• ') && out.length) out.at(-1)!.shown += 1;
    else if (more && out.length) out.at(-1)!.more += Number(more[1]);
    else throw new Error(`a line that is no heading, item or "and N more": ${line.slice(0, 120)}`);
  }
  return out;
}

/** The lists of a reply as a complete rendering would show them: every item, nothing more. */
export function sectionsOf(reply: Reply): ShownSection[] {
  return reply.blocks
    .filter((b): b is Extract<ReplyBlock, { kind: 'list' }> => b.kind === 'list' && b.items.length > 0)
    .map((b) => ({ heading: b.heading ?? '', shown: b.items.length, more: 0 }));
}
