import { ConfigError, loadConfig, type Config } from '../config';
import { runDoctor } from './doctor';
import { hasProblem, renderDoctorReport, type DoctorCheck } from './doctor-report';

/**
 * `ice-watch doctor [--json]`: runs the checks and prints the report (or `{"ok", "checks":
 * [{"name","status","detail"}]}`); returns 1 when something failed, else 0. A configuration
 * that does not load is itself a finding (exit 1), listed problem by problem.
 */
export async function doctorCommand(json: boolean, write: (s: string) => void, load: () => Config = () => loadConfig()): Promise<number> {
  let checks: DoctorCheck[];
  try {
    checks = await runDoctor(load());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // ConfigError names the keys and what is wrong with them, never their values.
    checks = [
      {
        name: 'configuration',
        status: 'fail',
        detail: err.problems.join('\n') + '\n(nothing else was checked: fix the configuration first)',
      },
    ];
  }
  write(json ? JSON.stringify({ ok: !hasProblem(checks), checks }) + '\n' : renderDoctorReport(checks) + '\n');
  return hasProblem(checks) ? 1 : 0;
}
