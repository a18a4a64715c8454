/**
 * A small streaming XML tokenizer for the parts of an xlsx: element opens and closes, and
 * text, fed chunk by chunk. It reads what Excel writes (no DTDs, no namespace prefixes on
 * SpreadsheetML) the way the SAX parser under exceljs does: entities decoded, CDATA and
 * comments skipped, line ends folded to "\n", and markup that does not nest refused.
 */
import { StringDecoder } from 'node:string_decoder';
import { WorkbookFormatError } from './errors';

export interface XmlHandler {
  open(name: string, attributes: string, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
}

/** One token at the position: a close tag, an open tag with its attributes, a comment/CDATA/PI/DOCTYPE, or text. */
const TOKEN =
  /<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|([^<]+)/y;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const PLAIN = /^[^&\r\n\t]*$/;
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
/** "&#x10FFFF;" is the longest entity; a tag longer than this is not Excel's. */
const MAX_ENTITY = 10;
const MAX_MARKUP = 1024 * 1024;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function entity(_: string, name: string): string {
  if (name[0] !== '#') return NAMED[name];
  const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** Text as the XML parser hands it over: CR LF and lone CR as LF, entities decoded. */
export function decodeXmlText(raw: string): string {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  return text.includes('&') ? text.replace(ENTITY, entity) : text;
}

/** An element's attributes, decoded. */
export function readAttributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(raw); m; m = ATTRIBUTE.exec(raw)) {
    const value = m[2] ?? m[3];
    // Whitespace in an attribute value reads as spaces.
    out[m[1]] = PLAIN.test(value) ? value : decodeXmlText(value).replace(/[\t\n]/g, ' ');
  }
  return out;
}

const malformed = (part: string, what: string) =>
  new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${part}: ${what})`);

/** Feeds chunks of one part to a handler; `end()` refuses a part cut short or badly nested. */
export class XmlScanner {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly stack: string[] = [];
  private sawRoot = false;

  constructor(
    private readonly part: string,
    private readonly handler: XmlHandler,
  ) {}

  write(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.scan(false);
  }

  end(): void {
    this.pending += this.decoder.end();
    this.scan(true);
    if (this.pending) throw malformed(this.part, 'markup cut short');
    if (this.stack.length) throw malformed(this.part, `<${this.stack.at(-1)}> is never closed`);
    if (!this.sawRoot) throw malformed(this.part, 'no root element');
  }

  private scan(final: boolean): void {
    const buffer = this.pending;
    const { handler, stack } = this;
    let at = 0;
    for (;;) {
      TOKEN.lastIndex = at;
      const m = TOKEN.exec(buffer);
      if (!m) break;
      if (m[5] !== undefined) {
        let text = m[5];
        if (!final && TOKEN.lastIndex === buffer.length) {
          // Text at the end of a chunk goes on in the next one: hand over what cannot change
          // (all but a trailing entity or CR), so a long text is never rescanned.
          let keep = text.lastIndexOf('&');
          if (keep < 0 || text.length - keep > MAX_ENTITY) keep = text.length;
          if (keep > 0 && text[keep - 1] === '\r') keep--;
          text = text.slice(0, keep);
          TOKEN.lastIndex = m.index + keep;
          if (!keep) break;
        }
        if (stack.length) handler.text(decodeXmlText(text));
        else if (m[5].trim()) throw malformed(this.part, 'text outside the root element');
      } else if (m[1] !== undefined) {
        if (stack.pop() !== m[1]) throw malformed(this.part, `</${m[1]}> closes nothing open`);
        handler.close(m[1]);
      } else if (m[2] !== undefined) {
        if (!stack.length && this.sawRoot) throw malformed(this.part, 'a second root element');
        this.sawRoot = true;
        const selfClosing = m[4] === '/';
        if (!selfClosing) stack.push(m[2]);
        handler.open(m[2], m[3], selfClosing);
        if (selfClosing) handler.close(m[2]);
      }
      at = TOKEN.lastIndex;
    }
    this.pending = at ? buffer.slice(at) : buffer;
    if (this.pending.length > MAX_MARKUP) throw malformed(this.part, 'markup over 1 MB long');
  }
}

/** Scans a whole part held in memory, a slice at a time, letting the event loop run between slices. */
export async function scanXml(part: string, xml: Buffer, handler: XmlHandler): Promise<void> {
  const scanner = new XmlScanner(part, handler);
  for (let at = 0; at < xml.length; at += SLICE) {
    if (at) await new Promise((resolve) => setImmediate(resolve));
    scanner.write(xml.subarray(at, at + SLICE));
  }
  scanner.end();
}

/** About 10 ms of scanning. */
const SLICE = 1024 * 1024;
