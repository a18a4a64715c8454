import type { lookup as dnsLookup } from 'node:dns';
import {
  checkWebhookAddress,
  guardedLookup,
  parseWebhookUrl,
  refusedAddressReason,
  WebhookAddressError,
  WEBHOOK_URL_MAX_CHARS,
  WebhookResolveError,
} from '../../../src/platforms/webhook/address-guard';

/** A resolver with fixed answers (names that are not in it do not resolve), as dns.lookup answers with `all`. */
function fixedResolver(answers: Record<string, string[]>): typeof dnsLookup {
  return ((host: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, found: unknown) => void) => {
    const found = answers[host];
    if (!found) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dnsLookup;
}

describe('refusedAddressReason', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    // RFC 8215: the operator's own NAT64 gateway, translating to whatever it was set up for (internal addresses included).
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['64:ff9b:1:ffff::1', 'local-use NAT64'],
  ])('%s is refused as %s', (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  test.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::6810:84e5', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );
});

describe('checkWebhookAddress (the check when subscribing and before each send)', () => {
  const lookup = fixedResolver({
    localhost: ['127.0.0.1', '::1'],
    'hooks.example.org': ['93.184.215.14'],
    'sneaky.example.org': ['93.184.215.14', '10.1.2.3'],
    '127.0.0.1': ['127.0.0.1'],
    '169.254.169.254': ['169.254.169.254'],
    '10.0.0.1': ['10.0.0.1'],
    '::1': ['::1'],
    '0.0.0.0': ['0.0.0.0'],
    '::ffff:127.0.0.1': ['::ffff:127.0.0.1'],
  });
  const off = { allowPrivate: false, lookup };
  const on = { allowPrivate: true, lookup };

  test.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://10.0.0.1/hook', 'private'],
    ['http://[::1]:9000/hook', 'loopback'],
    ['http://localhost:3000/hook', 'resolves to 127.0.0.1, which is a loopback address'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://sneaky.example.org/hook', 'resolves to 10.1.2.3, which is a private address'],
    ['http://[64:ff9b:1::a00:1]/hook', 'local-use NAT64'],
  ])('refuses %s (%s) with the setting off, and names the setting', async (url, words) => {
    const refusal = checkWebhookAddress(parseWebhookUrl(url), off);
    await expect(refusal).rejects.toThrow(WebhookAddressError);
    await expect(refusal).rejects.toThrow(words);
    await expect(refusal).rejects.toThrow('WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true');
  });

  test('accepts a public address, and every internal one when WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on', async () => {
    await expect(checkWebhookAddress(parseWebhookUrl('https://hooks.example.org/x'), off)).resolves.toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    for (const url of ['http://127.0.0.1/', 'http://169.254.169.254/', 'http://10.0.0.1/', 'http://[::1]/', 'http://localhost/'])
      await expect(checkWebhookAddress(parseWebhookUrl(url), on)).resolves.not.toHaveLength(0);
  });

  test('a name that does not resolve is a resolve error (retried at send time, refused when subscribing)', async () => {
    await expect(checkWebhookAddress(parseWebhookUrl('https://nowhere.invalid/'), off)).rejects.toThrow(WebhookResolveError);
  });

  test('a resolver that never answers is a resolve error once the lookup timeout passes, not a wait for ever', async () => {
    const never = (() => undefined) as unknown as typeof dnsLookup;
    const check = checkWebhookAddress(parseWebhookUrl('https://stuck.example.org/'), {
      allowPrivate: false,
      lookup: never,
      lookupTimeoutMs: 20,
    });
    await expect(check).rejects.toThrow(WebhookResolveError);
    await expect(check).rejects.toThrow('stuck.example.org cannot be resolved (no answer within');
  });
});

describe('parseWebhookUrl', () => {
  test.each([
    ['ftp://hooks.example.org/x', 'Only http:// and https://'],
    ['file:///etc/passwd', 'Only http:// and https://'],
    ['https://user:pass@hooks.example.org/x', 'user name or password'],
    ['not a url', 'is not a URL'],
  ])('refuses %s', (url, words) => {
    expect(() => parseWebhookUrl(url)).toThrow(words);
  });

  test('refuses a URL longer than the column that stores it (2,048 characters), typed or written out', () => {
    const long = `https://hooks.example.org/${'a'.repeat(WEBHOOK_URL_MAX_CHARS)}`;
    expect(() => parseWebhookUrl(long)).toThrow(WebhookAddressError);
    expect(() => parseWebhookUrl(long)).toThrow('at most 2048 characters');
    // 683 é are 5,464 characters once percent-encoded (%C3%A9), though far fewer as typed.
    const encoded = `https://hooks.example.org/${'é'.repeat(683)}`;
    expect(encoded.length).toBeLessThanOrEqual(WEBHOOK_URL_MAX_CHARS);
    expect(() => parseWebhookUrl(encoded)).toThrow('written out');
    const fits = `https://hooks.example.org/${'a'.repeat(WEBHOOK_URL_MAX_CHARS - 'https://hooks.example.org/'.length)}`;
    expect(parseWebhookUrl(fits).href).toBe(fits);
  });

  test('keeps the path and query, drops the fragment', () => {
    expect(parseWebhookUrl(' https://hooks.example.org/a/b?token=1#frag ').href).toBe('https://hooks.example.org/a/b?token=1');
  });
});

describe('guardedLookup (the connection resolves through the check: DNS rebinding cannot slip in)', () => {
  // The first answer is public (the check passes), the next one loopback: what a rebinding name does.
  test('refuses the connection when the name now resolves to a refused address', async () => {
    let calls = 0;
    const rebinding = ((_h: string, _o: unknown, cb: (e: null, a: unknown) => void) =>
      cb(null, [{ address: calls++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }])) as unknown as typeof dnsLookup;
    const policy = { allowPrivate: false, lookup: rebinding };
    await checkWebhookAddress(parseWebhookUrl('http://rebind.example.org/'), policy);
    const lookup = guardedLookup(policy);
    const got = await new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      lookup('rebind.example.org', { all: true }, (err, address) => resolve({ err, address })),
    );
    expect(got.err).toBeInstanceOf(WebhookAddressError);
    expect(got.err?.message).toContain('127.0.0.1');
  });

  test('answers as dns.lookup does with the checked addresses (one, or all)', async () => {
    const lookup = guardedLookup({ allowPrivate: false, lookup: fixedResolver({ 'hooks.example.org': ['93.184.215.14'] }) });
    const one = await new Promise((resolve) =>
      lookup('hooks.example.org', {}, (err, address, family) => resolve({ err, address, family })),
    );
    expect(one).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    const all = await new Promise((resolve) => lookup('hooks.example.org', { all: true }, (err, address) => resolve({ err, address })));
    expect(all).toEqual({ err: null, address: [{ address: '93.184.215.14', family: 4 }] });
  });
});

describe('with the system resolver', () => {
  test('`localhost` resolves to loopback and is refused; allowed with the setting on', async () => {
    await expect(checkWebhookAddress(parseWebhookUrl('http://localhost:8080/hook'), { allowPrivate: false })).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/,
    );
    await expect(checkWebhookAddress(parseWebhookUrl('http://localhost:8080/hook'), { allowPrivate: true })).resolves.not.toHaveLength(0);
  });
});
