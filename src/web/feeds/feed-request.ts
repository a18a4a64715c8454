import { KINDS, type Kind } from '../../domain/alerts/subscriptions';
import { parseKindsArgument, parseModelsArgument, parseStateArgument } from '../../domain/arguments';
import { MODELS, type Model } from '../../domain/types';
import { UserError } from '../../domain/user-error';
import type { FeedRequest } from './feed-document';

/** A request the feeds cannot answer, with its status (400, 404) and a message for the person who typed it. */
export class FeedRequestError extends Error {
  override name = 'FeedRequestError';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const FEED_NAMES =
  '/feeds/<state>.atom, /feeds/<state>.json, /feeds/all.atom or /feeds/all.json (a state by name or code: texas, tx, new-york)';

/**
 * Reads `/feeds/:file` and its query: `texas.atom`, `TX.json`, `new-york.atom`, `all.json`,
 * `?kinds=agreements,endings&models=TFM`. States are read as the chat commands read them (names,
 * USPS codes, any case; a typo gets "Did you mean Texas?"). An unknown state or format is a 404,
 * an unknown kind or model a 400, each saying what would work.
 */
export function parseFeedRequest(file: string, query: URLSearchParams): FeedRequest {
  const m = /^(.+)\.(atom|json)$/i.exec(file);
  if (!m) throw new FeedRequestError(404, `No feed "${file}". Feeds are ${FEED_NAMES}.`);
  const format = m[2].toLowerCase() as FeedRequest['format'];
  const name = m[1].replace(/[-_+]+/g, ' ');
  let state: FeedRequest['state'];
  try {
    state = name.trim().toLowerCase() === 'all' ? 'all' : parseStateArgument(name);
  } catch (err) {
    if (err instanceof UserError) throw new FeedRequestError(404, `${err.message} Feeds are ${FEED_NAMES}.`);
    throw err;
  }
  const kinds = listParam(query, 'kinds', (v) => parseKindsArgument(v), `Use kinds among ${KINDS.join(', ')}.`);
  const models = listParam(query, 'models', (v) => parseModelsArgument(v), `Use models among ${MODELS.join(', ')}.`);
  return {
    state,
    format,
    filter: { stateCode: state === 'all' ? null : state.code, kinds: sortedKinds(kinds), models: sortedModels(models) },
  };
}

/** A list parameter (given once or several times); absent or empty: null (everything). */
function listParam<T>(query: URLSearchParams, key: string, parse: (v: string) => T[], allowed: string): T[] | null {
  const text = query.getAll(key).join(',').trim();
  if (!text.replace(/[,\s]/g, '')) return null;
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof UserError) throw new FeedRequestError(400, `${err.message.replace(/ Use .*$/, '')} ${allowed}`);
    throw err;
  }
}

/** In the order of KINDS and MODELS, so that `?kinds=endings,agreements` and its reverse are one feed (one ETag, one id). */
const sortedKinds = (kinds: Kind[] | null) => kinds && KINDS.filter((k) => kinds.includes(k));
const sortedModels = (models: Model[] | null) => models && MODELS.filter((k) => models.includes(k));
