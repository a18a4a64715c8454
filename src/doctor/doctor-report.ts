/** One finding of `ice-watch doctor`. */
export interface DoctorCheck {
  /** What was checked: "configuration", "Discord token", "Slack channel C0123 (#alerts)". */
  name: string;
  status: 'ok' | 'warn' | 'fail';
  /** What was found, and for a problem what to do. */
  detail: string;
}

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** Whether the report has a problem (a `fail`); warnings alone do not fail the doctor. */
export function hasProblem(checks: readonly DoctorCheck[]): boolean {
  return checks.some((c) => c.status === 'fail');
}

/** The report for a terminal: one line per check (details wrapped under it), then a verdict. */
export function renderDoctorReport(checks: readonly DoctorCheck[]): string {
  const width = Math.min(48, Math.max(...checks.map((c) => c.name.length), 10));
  const lines = ['ice-watch doctor', ''];
  for (const c of checks) {
    const [first, ...rest] = c.detail.split('\n');
    lines.push(`  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${first}`);
    for (const more of rest) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  ${more}`);
  }
  const fails = checks.filter((c) => c.status === 'fail').length;
  const warns = checks.filter((c) => c.status === 'warn').length;
  lines.push('');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    fails
      ? `${plural(fails, 'problem')}, ${plural(warns, 'warning')}.`
      : warns
        ? `No problem; ${plural(warns, 'warning')}.`
        : 'Everything checked is fine.',
  );
  return lines.join('\n');
}
