/**
 * jest globalTeardown: the one line saying which servers were down and what to start, printed
 * after jest's summary so it stands next to the count of skipped tests.
 */
import { servicesDownLine, type ServiceProbe } from '../helpers/services';

export default async function reportServices(): Promise<void> {
  const raw = process.env.ICE_WATCH_TEST_SERVICES;
  const line = raw ? servicesDownLine(JSON.parse(raw) as ServiceProbe) : null;
  if (line) process.stderr.write(`\n${line}\n`);
}
