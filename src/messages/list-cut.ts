/**
 * How a renderer that must cut a list says so (SPEC §6: "over a platform's limits, the message
 * says how many more and which command lists them"): whole items are dropped from the end, never
 * cut inside their markup, and the last line is "… and N more" with the list's hint.
 */

/** "… and 104 more (/agreements texas lists them all)": the line that ends a cut list. */
export function moreLine(hidden: number, hint?: string): string {
  return `… and ${hidden} more${hint ? ` ${hint}` : ''}`;
}

/**
 * The most items of a list (rendered lines) that fit, then the renderer's "… and N more" line.
 * `fits` says whether lines fit the renderer's room (its characters, its blocks); `more` renders
 * the more line (escaped for the platform). At worst no item fits and only the more line is left.
 *
 * @example cutList(['• a', '• b', '• c'], (ls) => ls.join('\n').length <= 12, (n) => `… and ${n} more`)
 *   // ['• a', '… and 2 more']
 */
export function cutList(
  items: readonly string[],
  fits: (lines: readonly string[]) => boolean,
  more: (hidden: number) => string,
  maxItems = items.length,
): string[] {
  for (let shown = Math.min(items.length, maxItems); ; shown--) {
    const hidden = items.length - shown;
    const lines = [...items.slice(0, shown), ...(hidden ? [more(hidden)] : [])];
    if (shown === 0 || fits(lines)) return lines;
  }
}

/** Lines joined into as few texts of at most `max` characters as keep every line whole (a line longer than `max` alone). */
export function packLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current: string | null = null;
  for (const line of lines) {
    if (current !== null && current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      if (current !== null) chunks.push(current);
      current = line;
    }
  }
  if (current !== null) chunks.push(current);
  return chunks.filter((c) => c.trim() !== '');
}
