import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { UserError } from '../../domain/user-error';

/**
 * Server-side request forgery guard: a webhook URL is chosen by whoever subscribes, and the
 * bot POSTs to it from inside its network. Unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true, every
 * address a host resolves to must be public: these ranges are refused (with IPv4-mapped and
 * NAT64 IPv6 forms of the IPv4 ones).
 */
const REFUSED: Array<[reason: string, family: 'ipv4' | 'ipv6', network: string, prefix: number]> = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['shared (CGNAT)', 'ipv4', '100.64.0.0', 10],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['private', 'ipv6', 'fc00::', 7],
  ['private', 'ipv6', 'fec0::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
  // RFC 8215's local-use NAT64 prefix: translated by the operator's own gateway, to whatever IPv4 it was set up for.
  ['local-use NAT64', 'ipv6', '64:ff9b:1::', 48],
];
const LISTS = new Map<string, BlockList>();
for (const [reason, family, network, prefix] of REFUSED) {
  const list = LISTS.get(reason) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(reason, list);
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(ipv6: string): string | null {
  const words = expandIpv6(ipv6);
  if (!words) return null;
  const mapped = words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0);
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (!mapped && !nat64) return null;
  if (words[5] === 0 && !nat64 && words[6] === 0 && words[7] <= 1) return null; // :: and ::1 are not IPv4
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join('.');
}

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail included), or null. */
function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const h = part(head);
  const t = part(tail);
  const words = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** Why an IP address may not be called ("loopback", "private"...), or null when it is public. */
export function refusedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return refusedAddressReason(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [reason, list] of LISTS) if (list.check(address.split('%')[0], type)) return reason;
  return null;
}

/** A webhook URL that cannot be used, in words for whoever gave it. */
export class WebhookAddressError extends UserError {
  override name = 'WebhookAddressError';
}

/** A host name that did not resolve (now): refused when subscribing, retried later when sending. */
export class WebhookResolveError extends WebhookAddressError {
  override name = 'WebhookResolveError';
}

/** The longest URL an endpoint may have: the `webhook_endpoints.url` column is varchar(2048). */
export const WEBHOOK_URL_MAX_CHARS = 2048;

/** Checks the form of a webhook URL: http or https, a host, no user name or password in it. */
export function parseWebhookUrl(text: string): URL {
  if (text.trim().length > WEBHOOK_URL_MAX_CHARS)
    throw new WebhookAddressError(
      `A webhook URL may be at most ${WEBHOOK_URL_MAX_CHARS} characters long (this one has ${text.trim().length}).`,
    );
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new WebhookAddressError(`"${text.slice(0, 200)}" is not a URL: give the endpoint's full https:// address.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookAddressError(`Only http:// and https:// webhook URLs are accepted, not ${url.protocol}`);
  if (url.username || url.password)
    throw new WebhookAddressError(
      'A webhook URL may not carry a user name or password: put the credentials in the path or a query parameter.',
    );
  if (!url.hostname) throw new WebhookAddressError('The webhook URL has no host.');
  url.hash = '';
  // The parsed form can be longer than what was typed (percent-encoding, a trailing slash).
  if (url.href.length > WEBHOOK_URL_MAX_CHARS)
    throw new WebhookAddressError(
      `A webhook URL may be at most ${WEBHOOK_URL_MAX_CHARS} characters long (written out, this one has ${url.href.length}).`,
    );
  return url;
}

/** The host as DNS and `isIP` take it: without the brackets of an IPv6 literal. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export interface AddressPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: internal addresses allowed too. */
  allowPrivate: boolean;
  /** The resolver (default: dns.lookup, as the connection itself would resolve). */
  lookup?: typeof dnsLookup;
  /** How long checkWebhookAddress waits for the resolver (default LOOKUP_TIMEOUT_MS). */
  lookupTimeoutMs?: number;
}

/**
 * dns.lookup has no timeout of its own (getaddrinfo can hang on a broken resolver); past this,
 * the name counts as not resolving now: refused when subscribing, retried later when sending.
 */
export const LOOKUP_TIMEOUT_MS = 5_000;

const SETTING_HINT = 'an operator can allow internal addresses with WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true';

/** Throws WebhookAddressError when any of a host's addresses is refused. */
function checkAddresses(host: string, addresses: readonly LookupAddress[], policy: AddressPolicy): void {
  if (!addresses.length) throw new WebhookAddressError(`${host} resolves to no address.`);
  if (policy.allowPrivate) return;
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason)
      throw new WebhookAddressError(
        `${host} ${isIP(host) ? 'is' : `resolves to ${address}, which is`} a ${reason} address: webhooks may only call public addresses (${SETTING_HINT}).`,
      );
  }
}

/**
 * Resolves the URL's host (every address, as dns.lookup does for a connection) and checks
 * each one; throws WebhookAddressError when one is refused or the name does not resolve.
 * Used when subscribing and before each send; the send's connection is pinned by
 * `guardedLookup` too, so a name that changes its answer in between (DNS rebinding) is caught.
 */
export async function checkWebhookAddress(url: URL, policy: AddressPolicy): Promise<LookupAddress[]> {
  const host = hostOf(url);
  const lookup = policy.lookup ?? dnsLookup;
  // An IP literal is its own answer (and a connection to it resolves nothing: this check is the only one).
  const literal = isIP(host);
  const addresses = literal
    ? [{ address: host, family: literal }]
    : await resolveAll(host, lookup, policy.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS);
  checkAddresses(host, addresses, policy);
  return addresses;
}

/** Every address of a name, or a WebhookResolveError when it does not resolve or the resolver does not answer in time. */
function resolveAll(host: string, lookup: typeof dnsLookup, timeoutMs: number): Promise<LookupAddress[]> {
  return new Promise<LookupAddress[]>((resolve, reject) => {
    // The lookup itself cannot be cancelled: a late answer is ignored.
    const timer = setTimeout(
      () => reject(new WebhookResolveError(`${host} cannot be resolved (no answer within ${Math.round(timeoutMs / 100) / 10} s).`)),
      timeoutMs,
    );
    timer.unref();
    lookup(host, { all: true, verbatim: true }, (err, found) => {
      clearTimeout(timer);
      if (err) reject(new WebhookResolveError(`${host} cannot be resolved (${err.code ?? err.message}).`));
      else resolve(found);
    });
  });
}

/**
 * A `lookup` for http(s).request that resolves as dns.lookup does and refuses the connection
 * when any address is not allowed: the socket connects only to an address this checked.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  const lookup = policy.lookup ?? dnsLookup;
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, found) => {
      if (err) return callback(err, '', 0);
      try {
        checkAddresses(hostname, found, policy);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      // Node asks for every address (autoSelectFamily) or for one.
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, found);
      callback(null, found[0].address, found[0].family);
    });
  };
}
