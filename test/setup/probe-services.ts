/**
 * jest globalSetup: asks PostgreSQL and Redis once for the whole run (see test/helpers/services.ts).
 * With ICE_WATCH_REQUIRE_SERVICES=1 (set by .ci/run) a server that is down fails the run here,
 * before any test: CI must never pass by skipping the engine suites.
 */
import { probeServices, publishProbe, servicesDownLine } from '../helpers/services';

export default async function probeServicesOnce(): Promise<void> {
  const probe = await probeServices();
  publishProbe(probe);
  const line = servicesDownLine(probe, true);
  if (line && process.env.ICE_WATCH_REQUIRE_SERVICES === '1') throw new Error(line);
}
