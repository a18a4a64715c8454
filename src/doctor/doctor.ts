import { plural } from '../domain/text';
import type { Config } from '../config';
import { STATES } from '../domain/states';
import type { Subscription } from '../domain/alerts/subscriptions';
import { discover287gLinks, discoverDetentionLink } from '../sources/discover-links';
import { fetchFile, fetchPage, type FetchOptions } from '../sources/fetch-file';
import { openStores, type Stores } from '../store/open-stores';
import { fetchOptionsOf, guardSettingsOf, workbookLimitsOf } from '../pipelines/settings';
import { doctorPlatforms, hostingServerOf } from '../platforms';
import type { PlatformProbe } from '../platforms/plugin';
import { judgeDetentionWorkbook, judgeListWorkbook, type WorkbookJudge } from './doctor-workbooks';
import type { DoctorCheck } from './doctor-report';
import { redactUrl, scrubSecrets, secretValuesOf } from '../logging/redact';
import { scheduleIntervalMs } from '../observability/health';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
/** Channels checked at once: polite to the platforms' rate limits, quick enough for thousands. */
const CONCURRENCY = 4;

/**
 * `ice-watch doctor`: checks what a running bot depends on and returns the findings as data
 * (src/doctor/doctor-report.ts renders them): the configuration, the store (a write and a
 * read), ICE's pages and the files they must link, each platform's token (its plugin's checks),
 * and for each subscribed channel (and the operators' channels) whether the bot can still post there.
 * Nothing is sent anywhere. No secret is ever part of a finding.
 */
export async function runDoctor(config: Config): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [checkConfig(config)];
  const fetchOptions: FetchOptions = fetchOptionsOf(config);
  const [store, ice] = await Promise.all([
    checkStore(config),
    withStoredData(config, (stored) =>
      checkIce(config, {
        ...stored,
        fetchOptions,
        guards: guardSettingsOf(config),
        parseLimits: workbookLimitsOf(config),
        now: new Date(),
      }),
    ),
  ]);
  checks.push(store.check, ...ice);

  // Each platform with channels, in the list's order: its token first (a probe checks channels only after it).
  const platforms = doctorPlatforms();
  const probes = new Map<string, PlatformProbe>();
  for (const p of platforms) {
    if (!p.configured(config)) continue;
    const probe = p.doctor.probe(config);
    probes.set(p.id, probe);
    checks.push(await probe.checkToken());
  }

  const channels: Array<{ name: string; platform: (typeof platforms)[number]; channelId: string; sub: Subscription | null }> = [];
  for (const p of platforms) {
    const channelId = p.operatorChannel?.(config);
    if (channelId) channels.push({ name: `operators' ${p.name} channel ${channelId}`, platform: p, channelId, sub: null });
  }
  for (const sub of store.subscriptions) {
    const platform = platforms.find((p) => p.id === sub.platform);
    if (!platform) continue; // a channel with nothing to probe: the console
    channels.push({
      name: `${platform.name} channel ${sub.channelName ? `#${sub.channelName} ` : ''}(${sub.channelId})`,
      platform,
      channelId: sub.channelId,
      sub,
    });
  }
  const results: DoctorCheck[] = new Array(channels.length);
  for (let i = 0; i < channels.length; i += CONCURRENCY) {
    await Promise.all(
      channels.slice(i, i + CONCURRENCY).map(async (c, j) => {
        const probe = probes.get(c.platform.id);
        let problem: string | null;
        if (!probe) problem = `${c.platform.doctor.tokenSetting} is not set, so nothing is delivered here`;
        else problem = await probe.cannotPost(c.channelId).catch((err: unknown) => `could not check: ${message(err)}`);
        const paused = c.sub?.paused;
        if (problem)
          results[i + j] = { name: c.name, status: 'fail', detail: paused ? `paused since ${paused.since}: ${problem}` : problem };
        else if (paused)
          results[i + j] = {
            name: c.name,
            status: 'warn',
            detail: `paused since ${paused.since} (${paused.reason}); the bot can post there again: /subscribe in that channel resumes it`,
          };
        else results[i + j] = { name: c.name, status: 'ok', detail: 'the bot can post here' };
      }),
    );
  }
  // Many channels: list the problems, summarize the rest in one line.
  const fine = results.filter((r) => r.status === 'ok');
  checks.push(...results.filter((r) => r.status !== 'ok' || results.length <= 10));
  if (results.length > 10)
    checks.push({ name: 'channels', status: 'ok', detail: `${fine.length} of ${results.length} channels checked are fine` });
  else if (!results.length && !store.failed)
    checks.push({
      name: 'subscriptions',
      status: 'ok',
      detail: `no ${platforms.map((p) => p.name).join(' or ')} channel is subscribed yet`,
    });

  // Whatever a check quoted (an error message, a URL), no secret leaves the doctor.
  const secrets = secretValuesOf(config);
  return checks.map((c) => ({ ...c, detail: scrubSecrets(c.detail, secrets) }));
}

function checkConfig(config: Config): DoctorCheck {
  const notes: string[] = [];
  let status: DoctorCheck['status'] = 'ok';
  const platforms = doctorPlatforms();
  const running = platforms.filter((p) => p.configured(config));
  notes.push(
    `${running.length ? running.map((p) => p.doctor.describe(config)).join(' and ') : 'console mode (no platform token)'}; store ${redactUrl(config.STORE_URL)}`,
  );
  const warn = (text: string) => {
    status = 'warn';
    notes.push(text);
  };
  for (const p of platforms) for (const text of p.doctor.warnings?.(config) ?? []) warn(text);
  const host = hostingServerOf(config);
  if (host) notes.push(`/healthz and /metrics on ${host.name}'s port ${host.port}`);
  else notes.push(config.HTTP_PORT ? `/healthz and /metrics on port ${config.HTTP_PORT}` : '/healthz and /metrics off (HTTP_PORT unset)');
  if (host && config.HTTP_PORT && config.HTTP_PORT !== host.port)
    warn(`HTTP_PORT ${config.HTTP_PORT} is not opened: ${host.mode} serves /healthz and /metrics on ${host.setting} ${host.port}`);
  for (const [key, cron] of [
    ['POLL_287G_CRON', config.POLL_287G_CRON],
    ['POLL_TOTALS_CRON', config.POLL_TOTALS_CRON],
  ] as const) {
    try {
      if (scheduleIntervalMs(cron) === null) warn(`${key} "${cron}" runs less than twice in nine weeks`);
    } catch (err) {
      status = 'fail';
      notes.push(`${key} "${cron}" is not a schedule node-cron understands: ${message(err)}`);
    }
  }
  if (running.length && running.every((p) => !p.operatorChannel?.(config))) notes.push('no operator channel: notices go to the log only');
  return { name: 'configuration', status, detail: notes.join('\n') };
}

async function checkStore(config: Config): Promise<{ check: DoctorCheck; subscriptions: Subscription[]; failed: boolean }> {
  const name = 'store';
  let stores: Stores | null = null;
  try {
    stores = openStores(config);
    const { db, health, subscriptions: store } = stores;
    await health.ping();
    const found = new Map<string, Subscription>();
    const [byState, totals] = await Promise.all([store.forStates(STATES.map((s) => s.code)), store.forTotals()]);
    for (const list of [...byState.values(), totals]) for (const s of list) found.set(s.key, s);
    const subscriptions = [...found.values()];
    const paused = subscriptions.filter((s) => s.paused).length;
    return {
      check: {
        name,
        status: 'ok',
        detail: `${db.description}: it answered; ${plural(subscriptions.length, 'subscription')}${paused ? ` (${paused} paused)` : ''}`,
      },
      subscriptions,
      failed: false,
    };
  } catch (err) {
    return { check: { name, status: 'fail', detail: `${redactUrl(config.STORE_URL)}: ${message(err)}` }, subscriptions: [], failed: true };
  } finally {
    await stores?.close().catch(() => undefined);
  }
}

/** The stored lists and releases the linked workbooks are judged against; none when the store does not answer (its own check says why). */
async function withStoredData<T>(config: Config, run: (stored: Pick<WorkbookJudge, 'snapshots' | 'totals'>) => Promise<T>): Promise<T> {
  let stores: Stores | undefined;
  try {
    stores = openStores(config);
    await stores.health.ping();
  } catch {
    await stores?.close().catch(() => undefined);
    return run({ snapshots: null, totals: null });
  }
  try {
    return await run({ snapshots: stores.snapshots, totals: stores.totals });
  } finally {
    await stores.close().catch(() => undefined);
  }
}

async function checkIce(config: Config, judge: WorkbookJudge): Promise<DoctorCheck[]> {
  const { fetchOptions } = judge;
  const page287g = async (): Promise<DoctorCheck[]> => {
    const name = "ICE's 287(g) page";
    try {
      const page = await fetchPage(config.ICE_287G_PAGE_URL, fetchOptions);
      const links = discover287gLinks(page.html, page.url);
      if (!links.participating)
        return [
          {
            name,
            status: 'fail',
            detail: `${page.url} answers but links no participating-agencies workbook: ICE changed the page (polls fail until the link is found again)`,
          },
        ];
      // In order, as a poll reads them: the pending list is judged against the participating one.
      const files = [
        await judgeListWorkbook('participating list', 'participating', links.participating, judge),
        ...(links.pending ? [await judgeListWorkbook('pending list', 'pending', links.pending, judge)] : []),
      ];
      return [
        {
          name,
          status: 'ok',
          detail: `answers and links the participating list${links.pending ? ' and the pending list' : '; no pending list linked now (a state, not an error)'}`,
        },
        ...files,
      ];
    } catch (err) {
      return [{ name, status: 'fail', detail: message(err) }];
    }
  };
  const detention = async (): Promise<DoctorCheck[]> => {
    const name = "ICE's detention page";
    try {
      const page = await fetchPage(config.ICE_DETENTION_PAGE_URL, fetchOptions);
      const link = discoverDetentionLink(page.html, page.url);
      if (!link) return [{ name, status: 'fail', detail: `${page.url} answers but links no detentionStats workbook` }];
      return [
        { name, status: 'ok', detail: 'answers and links a detentionStats workbook' },
        await judgeDetentionWorkbook('detention statistics', link, judge),
      ];
    } catch (err) {
      return [{ name, status: 'fail', detail: message(err) }];
    }
  };
  const daily = async (): Promise<DoctorCheck[]> => {
    if (!config.DAILY_TOTALS_URL) return [];
    try {
      const got = await fetchFile(config.DAILY_TOTALS_URL, fetchOptions);
      return [
        {
          name: 'daily-count feed',
          status: 'ok',
          detail: `answers (${got.status === 'fetched' ? `${got.bytes.length} bytes` : 'not modified'})`,
        },
      ];
    } catch (err) {
      return [{ name: 'daily-count feed', status: 'fail', detail: message(err) }];
    }
  };
  return (await Promise.all([page287g(), detention(), daily()])).flat();
}
