import { displayUrl, redactUrls } from '../../../src/messages/webhook-text';

describe('displayUrl (how every surface shows a webhook URL: never its token)', () => {
  test.each([
    // Slack's incoming webhook: the last segment is the token.
    ['https://hooks.slack.com/services/T0001/B0002/Zq7tokenZq7token', 'https://hooks.slack.com/services/T0001/B0002/…'],
    ['https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Zq7token', 'https://hooks.slack.com/services/T01ABCDEF/…'],
    // Teams' Workflows: the signature is in the query.
    [
      'https://prod.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=Zq7',
      'https://prod.westus.logic.azure.com/workflows/abc/triggers/…',
    ],
    ['http://127.0.0.1:9/hook', 'http://127.0.0.1:9/…'],
    ['https://example.org/', 'https://example.org/'],
    ['https://example.org/a/', 'https://example.org/a/'],
    ['not a url', '(unreadable URL)'],
  ])('%s is shown as %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  test('redactUrls shortens every URL in free text and leaves the rest', () => {
    expect(redactUrls('add https://hooks.slack.com/services/T0001/B0002/Zq7 tx preset:slack')).toBe(
      'add https://hooks.slack.com/services/T0001/B0002/… tx preset:slack',
    );
    expect(redactUrls('list')).toBe('list');
  });
});
