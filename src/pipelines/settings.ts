import type { Config } from '../config';
import type { GuardSettings } from '../domain/agreements/guards';
import type { WorkbookLimits } from '../sources/errors';
import type { FetchOptions } from '../sources/fetch-file';

/** What the pipelines take from the configuration, read the same way by the bot, the CLI and the doctor. */

/** The guards' settings from the configuration. */
export function guardSettingsOf(config: Config): GuardSettings {
  return {
    massEndShare: config.MASS_END_SHARE,
    massEndMinRows: config.MASS_END_MIN_ROWS,
    confirmAfterMs: config.HOLD_CONFIRM_MINUTES * 60_000,
    endingConfirmMs: config.ENDING_CONFIRM_HOURS === undefined ? null : config.ENDING_CONFIRM_HOURS * 3_600_000,
    massAddShare: config.MASS_ADD_SHARE,
    massAddMinRows: config.MASS_ADD_MIN_ROWS,
  };
}

/** The parse caps every workbook read is held to. */
export function workbookLimitsOf(config: Config): WorkbookLimits {
  return { maxInflatedBytes: config.WORKBOOK_MAX_INFLATED_BYTES, maxRows: config.WORKBOOK_MAX_ROWS };
}

/** How ICE is fetched: the deadline, the size cap and the User-Agent; `now` dates what is fetched. */
export function fetchOptionsOf(config: Config, now?: () => Date): Omit<FetchOptions, 'etag' | 'lastModified'> {
  return {
    timeoutMs: config.FETCH_TIMEOUT_MS,
    maxBytes: config.FETCH_MAX_BYTES,
    ...(now ? { now } : {}),
    ...(config.FETCH_USER_AGENT ? { userAgent: config.FETCH_USER_AGENT } : {}),
  };
}
