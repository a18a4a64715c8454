import type { Episode } from '../domain/alerts/operator-episodes';
import type { StoreDb } from './db/database';

/** The operator-notice episodes under way (src/domain/operator-episodes.ts), kept across restarts. */
export interface EpisodeStore {
  get(key: string): Promise<Episode | null>;
  set(episode: Episode): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Episodes as rows of operator_episodes (the record as JSON): a restart mid-episode is neither silent nor a repeat. */
export function createEpisodeStore(db: StoreDb): EpisodeStore {
  return {
    async get(key) {
      const k = await db.ready();
      const row = await k.selectFrom('operator_episodes').select('body').where('key', '=', key).executeTakeFirst();
      return row ? (JSON.parse(row.body) as Episode) : null;
    },
    async set(episode) {
      const k = await db.ready();
      const body = JSON.stringify(episode);
      await k
        .insertInto('operator_episodes')
        .values({ key: episode.key, body })
        .onConflict((oc) => oc.column('key').doUpdateSet({ body }))
        .execute();
    },
    async delete(key) {
      const k = await db.ready();
      await k.deleteFrom('operator_episodes').where('key', '=', key).execute();
    },
  };
}
