/**
 * The parts of an xlsx (a ZIP) read from its central directory, each inflated only when
 * asked for and only up to a budget shared by the whole parse. A 1 MB ZIP can inflate to
 * gigabytes; the budget stops it at the cap, before the XML is in memory, and the sheet is
 * inflated as a stream so that even a sheet at the cap is never held whole.
 */
import { inflateRawSync, createInflateRaw } from 'node:zlib';
import { inflatedTooLarge, WorkbookFormatError, type WorkbookLimits } from './errors';

export interface ZipPart {
  name: string;
  /** 0 stored, 8 deflated; nothing else is read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** As declared; a lie is caught while inflating. */
  declaredSize: number;
  /** Offset of the part's local header. */
  headerOffset: number;
  /** Offset of the part's data, after the local header. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record is 22 bytes plus a comment of up to 65,535. */
const EOCD_SEARCH = 22 + 65_535;

const corrupt = (what: string) => new WorkbookFormatError('truncated', `not a workbook: truncated or corrupt ZIP (${what})`);

/** The parts the ZIP's central directory lists, by name (the first of a repeated name wins). */
export function readZipParts(bytes: Buffer): Map<string, ZipPart> {
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - EOCD_SEARCH); i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw corrupt('no end-of-central-directory record');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const parts = new Map<string, ZipPart>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) throw corrupt('central directory cut short');
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    const headerOffset = bytes.readUInt32LE(at + 42);
    const part: ZipPart = {
      name,
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      crc32: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      headerOffset,
      dataOffset: -1,
    };
    if (headerOffset + 30 <= bytes.length && bytes.readUInt32LE(headerOffset) === LOCAL) {
      part.dataOffset = headerOffset + 30 + bytes.readUInt16LE(headerOffset + 26) + bytes.readUInt16LE(headerOffset + 28);
    }
    if (!parts.has(name)) parts.set(name, part);
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return parts;
}

/** Inflated bytes left to the whole parse; every part read draws on it. */
export class InflateBudget {
  private used = 0;
  constructor(readonly limits: WorkbookLimits) {}

  get remaining(): number {
    return this.limits.maxInflatedBytes - this.used;
  }

  /** Counts `n` more inflated bytes of `part`; refuses the workbook past the cap. */
  take(n: number, part: string): void {
    this.used += n;
    if (this.used > this.limits.maxInflatedBytes) throw inflatedTooLarge(this.limits, part);
  }
}

function compressedData(bytes: Buffer, part: ZipPart): Buffer {
  if (part.dataOffset < 0 || part.dataOffset + part.compressedSize > bytes.length) throw corrupt(`${part.name} cut short`);
  if (part.method !== 0 && part.method !== 8) throw corrupt(`${part.name} uses compression method ${part.method}`);
  return bytes.subarray(part.dataOffset, part.dataOffset + part.compressedSize);
}

/** A small part (workbook, relationships, styles, shared strings) inflated whole, within the budget. */
export function inflatePart(bytes: Buffer, part: ZipPart, budget: InflateBudget): Buffer {
  const data = compressedData(bytes, part);
  if (part.declaredSize > budget.remaining) throw inflatedTooLarge(budget.limits, part.name);
  let out: Buffer;
  if (part.method === 0) out = data;
  else {
    try {
      // One byte over what is left, so that reaching the cap is told apart from stopping at it.
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, budget.remaining + 1) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw inflatedTooLarge(budget.limits, part.name);
      throw corrupt(`${part.name}: ${(err as Error).message}`);
    }
  }
  budget.take(out.length, part.name);
  return out;
}

/** A part inflated as a stream of chunks, each counted against the budget before it is handed on. */
export async function* streamPart(bytes: Buffer, part: ZipPart, budget: InflateBudget): AsyncGenerator<Buffer> {
  const data = compressedData(bytes, part);
  if (part.declaredSize > budget.remaining) throw inflatedTooLarge(budget.limits, part.name);
  if (part.method === 0) {
    for (let at = 0; at < data.length; at += 256 * 1024) {
      const chunk = data.subarray(at, at + 256 * 1024);
      budget.take(chunk.length, part.name);
      yield chunk;
    }
    return;
  }
  if (part.declaredSize <= SMALL_PART) {
    // Most parts are small: inflated in one call (bounded all the same), then handed on a slice
    // per turn of the event loop. A part that lied about its size goes the streaming way.
    const whole = inflateSmall(data, Math.min(SMALL_PART, budget.remaining));
    if (whole) {
      budget.take(whole.length, part.name);
      for (let at = 0; at < whole.length; at += SLICE) {
        if (at) await new Promise((resolve) => setImmediate(resolve));
        yield whole.subarray(at, at + SLICE);
      }
      return;
    }
  }
  const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
  inflate.end(data);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      budget.take(chunk.length, part.name);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof WorkbookFormatError) throw err;
    throw corrupt(`${part.name}: ${(err as Error).message}`);
  } finally {
    inflate.destroy();
  }
}

/** Parts up to this size are inflated in one call; larger ones as a stream. */
const SMALL_PART = 4 * 1024 * 1024;
const SLICE = 1024 * 1024;

/** The part inflated whole when it fits in `max` bytes; null when it is larger (or corrupt: the stream will say). */
function inflateSmall(data: Buffer, max: number): Buffer | null {
  try {
    const out = inflateRawSync(data, { maxOutputLength: Math.max(1, max) + 1 });
    return out.length <= max ? out : null;
  } catch {
    return null;
  }
}

/**
 * Measures every part's inflated size, discarding the bytes, and refuses the workbook when
 * together they pass the cap. For readers that inflate the ZIP themselves (exceljs).
 */
export async function assertInflatesWithin(bytes: Buffer, parts: Iterable<ZipPart>, budget: InflateBudget): Promise<void> {
  for (const part of parts) {
    if (part.name.endsWith('/')) continue;
    for await (const chunk of streamPart(bytes, part, budget)) void chunk;
  }
}

/**
 * The same parts as a new ZIP, in the given order, with fresh local headers (sizes known, no
 * data descriptors) and a central directory: what a streaming reader needs to see the parts
 * in an order of our choosing, and nothing the central directory does not list.
 */
export function rebuildZip(bytes: Buffer, parts: readonly ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const data = compressedData(bytes, part);
    const name = Buffer.from(part.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(part.flags & 0x0800, 6); // keeps only "names are UTF-8"
    local.writeUInt16LE(part.method, 8);
    local.writeUInt32LE(part.crc32, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(part.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(part.flags & 0x0800, 8);
    entry.writeUInt16LE(part.method, 10);
    entry.writeUInt32LE(part.crc32, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(part.declaredSize, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, data);
    central.push(entry, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
