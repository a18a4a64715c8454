import type { Episode } from '../domain/alerts/operator-episodes';
import type { KeyvFactory } from './keyv-factory';

/** The operator-notice episodes under way (src/domain/operator-episodes.ts), kept across restarts. */
export interface EpisodeStore {
  get(key: string): Promise<Episode | null>;
  set(episode: Episode): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Episodes in their own keyv namespace; a restart mid-episode is neither silent nor a repeat. */
export function createEpisodeStore(keyv: KeyvFactory): EpisodeStore {
  const records = keyv.open<Episode>('operator-episodes');
  return {
    get: async (key) => (await records.get(key)) ?? null,
    set: async (episode) => void (await records.set(episode.key, episode)),
    delete: async (key) => void (await records.delete(key)),
  };
}
