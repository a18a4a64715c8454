/**
 * The local mirror of ICE's site (SPEC section 2): `file://` URLs and plain paths read
 * from disk instead of over HTTP. A file's mtime stands in for Last-Modified, so
 * conditional polling works the same way, and a folder becomes a synthesized page
 * linking its files newest first, so link discovery works on a folder of downloads.
 * fetch-file.ts routes local URLs here; failures are the same SourceFetchError.
 */
import { promises as fs } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeSize, SourceFetchError, type FetchFailure } from './errors';

/** A local file's bytes with its mtime as Last-Modified, or a folder as a synthesized page. */
export type LocalRead =
  | { kind: 'file'; url: string; fileName: string; bytes: Buffer; lastModified: string }
  | { kind: 'listing'; url: string; html: string };

/** True for `file://` URLs and plain paths; any other scheme goes to HTTP (and fails there if unsupported). */
export function isLocalUrl(url: string): boolean {
  return /^file:/i.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/**
 * Reads a local file, or with `allowFolder` lists a folder as an HTML page. A file over
 * `maxBytes` is refused before it is read. Throws SourceFetchError (not-found,
 * too-large, network), naming the path.
 */
export async function readLocal(url: string, { maxBytes, allowFolder }: { maxBytes: number; allowFolder: boolean }): Promise<LocalRead> {
  const path = /^file:/i.test(url) ? fileURLToPath(url) : resolve(url);
  const fileUrl = pathToFileURL(path).href;
  const fail = (why: string, reason: FetchFailure): SourceFetchError => new SourceFetchError(`${path} ${why}`, fileUrl, reason);
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) {
      if (!allowFolder) throw fail('is a folder, not a file', 'not-found');
      return { kind: 'listing', url: pathToFileURL(path + '/').href, html: await listFolder(path) };
    }
    if (stat.size > maxBytes) throw fail(`exceeds the ${describeSize(maxBytes)} size cap`, 'too-large');
    const bytes = await fs.readFile(path);
    return { kind: 'file', url: fileUrl, fileName: basename(path), bytes, lastModified: toHttpDate(stat.mtime) };
  } catch (err) {
    if (err instanceof SourceFetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fail('does not exist', 'not-found');
    throw fail(`could not be read (${code || String(err)})`, 'network');
  }
}

/** A folder as a page of `<a href="file:///...">name</a>`, newest file first, so discovery takes the newest. */
async function listFolder(dir: string): Promise<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map(async (e) => ({ name: e.name, mtime: (await fs.stat(join(dir, e.name))).mtimeMs })),
  );
  files.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  const items = files.map((f) => `<li><a href="${escapeHtml(pathToFileURL(join(dir, f.name)).href)}">${escapeHtml(f.name)}</a></li>`);
  return `<!doctype html>\n<html><head><title>Index of ${escapeHtml(dir)}</title></head>\n<body><ul>\n${items.join('\n')}\n</ul></body></html>\n`;
}

/** Escapes text for an HTML attribute or element body. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An HTTP date (`Wed, 12 Feb 2026 10:00:00 GMT`); local mtimes use it so they round-trip like Last-Modified. */
export function toHttpDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toUTCString();
}
