import { lineText, type Line, type Reply } from '../../messages/reply';
import { plainText } from './render-alert';

const text = (line: Line) =>
  plainText(line.map((s) => (typeof s === 'object' && 'link' in s ? `${s.text} ${s.link}` : lineText([s]))).join(''));

/** Renders a command's Reply as terminal text: every span as plain text, links spelled out. */
export function renderReplyAsText(reply: Reply): string {
  const out = [`${reply.tone === 'error' ? '✗ ' : ''}${plainText(reply.title)}`];
  for (const block of reply.blocks) {
    if (block.kind === 'text') out.push(...block.lines.map(text));
    else if (block.kind === 'fields') for (const f of block.fields) out.push(`${plainText(f.name)}: ${text(f.value).replace(/\n/g, '\n  ')}`);
    else {
      if (block.heading) out.push(`${plainText(block.heading)}:`);
      out.push(...block.items.map((i) => `  • ${text(i)}`));
    }
  }
  if (reply.paging) {
    const { command, page, pages, args } = reply.paging;
    const argText = Object.entries(args).map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(' ');
    out.push(`Page ${page} of ${pages}${page < pages ? ` (next: ice-watch ${command} ${argText} page:${page + 1})` : ''}`);
  }
  if (reply.footer) out.push(plainText(reply.footer));
  return out.join('\n');
}
