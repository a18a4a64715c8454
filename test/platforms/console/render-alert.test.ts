import { activeAgreements } from '../../../src/domain/agreements/identity';
import { renderAlertAsText } from '../../../src/platforms/console/render-reply';
import { ev, floridaAlert } from '../../helpers/alert-events';
import { alertsBetween, loadSnapshot } from '../../helpers/fixtures';

describe('alerts as a console channel reads them', () => {
  test('one alert per state, with a title, one line per agreement, the new totals and the source', async () => {
    const alerts = await alertsBetween('participatingAgencies05162025am.xlsx', 'participatingAgencies05192025pm.xlsx');
    expect(new Set(alerts.map((a) => a.stateCode)).size).toBe(alerts.length);
    const florida = alerts.find((a) => a.stateCode === 'FL')!;
    const text = renderAlertAsText(florida);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^── \d+ new, 1 renamed 287\(g\) agreements in Florida ──$/);
    expect(text).toContain('  • Indialantic Police Department → Indiatlantic Police Department');
    const section = lines.slice(lines.indexOf('New agreements:') + 1);
    const newLines = section.slice(
      0,
      section.findIndex((l) => !l.startsWith('  ')),
    );
    expect(
      newLines.every(
        (l) =>
          /^ {2}• .+ · (Jail Enforcement Model \(JEM\)|Task Force Model \(TFM\)|Warrant Service Officer \(WSO\)), signed \d{4}-\d{2}-\d{2}$/.test(
            l,
          ) || l.startsWith('    MOA: https://'),
      ),
    ).toBe(true);
    expect(newLines.filter((l) => l.startsWith('  • ')).length).toBe(florida.events.filter((e) => e.type === 'agreement.signed').length);
    // The totals count agreements: St. Cloud Police Department, printed twice in this list, is one.
    const fl = activeAgreements((await loadSnapshot('participatingAgencies05192025pm.xlsx')).rows).filter((r) => r.stateCode === 'FL');
    expect(fl).toHaveLength(256);
    expect(text).toContain(
      `Florida now: ${fl.length} active (JEM ${fl.filter((r) => r.model === 'JEM').length} · TFM ${fl.filter((r) => r.model === 'TFM').length} · WSO ${fl.filter((r) => r.model === 'WSO').length})`,
    );
    expect(lines.at(-1)).toMatch(
      /^Source: ICE participating list, participatingAgencies05192025pm\.xlsx, fetched \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
    );
  });

  test('a move between states reaches both states and says what ICE did', async () => {
    const alerts = await alertsBetween('participatingAgencies03062025am.xlsx', 'participatingAgencies-20250317231040.xlsx');
    const montana = renderAlertAsText(alerts.find((a) => a.stateCode === 'MT')!);
    const minnesota = renderAlertAsText(alerts.find((a) => a.stateCode === 'MN')!);
    for (const text of [montana, minnesota])
      expect(text).toContain(
        "Cass County Sheriff's Office (Cass County) · Task Force Model (TFM), signed 2025-02-28: ICE now lists it under Minnesota, no longer Montana",
      );
    expect(montana.split('\n')[0]).toBe('── 1 new, 1 moved 287(g) agreements in Montana ──');
  });

  test('control characters in ICE text cannot reach the terminal', async () => {
    const alerts = await alertsBetween('participatingAgencies10162025pm.xlsx', 'participatingAgencies10172025mid.xlsx');
    const alert = alerts[0];
    const evil = { ...alert, events: alert.events.map((e) => ('agency' in e ? { ...e, agency: `${e.agency}\u001b[2J\u0007` } : e)) };
    expect(renderAlertAsText(evil)).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  test('every kind of line shows its documents whole, the last-listed time of a row gone and why a rename or correction is one agreement', () => {
    const text = renderAlertAsText(
      floridaAlert([
        ev.signed('Walton County Sheriff', { county: 'Walton' }),
        ev.ended('City of Miami Springs PD', '2025-06-02T13:05:44.000Z', { county: null }),
        ev.relisted('Moore County Sheriff', '2025-05-29T09:12:00.000Z', { county: null }),
        ev.renewed('Lake County Sheriff', '2025-02-20', 'https://www.ice.gov/doclib/287gMOA/old.pdf', { county: null }),
        ev.renamed('Okaloosa County Corrections', 'Okaloosa County BOCC', 'same-document', { county: null }),
        ev.corrected("St. Lucie County Sheriff's Office", '2025-02-26', 'same-name', { county: null, moaUrl: null }),
        ev.pendingAdded('Jupiter PD', { county: null }),
      ]),
    );
    const doc = (name: string) => `    MOA: https://www.ice.gov/doclib/287gMOA/287gTFM_${name}.pdf`;
    expect(text.split('\n')).toEqual([
      "── 1 new, 1 renewed, 1 renamed 287(g) agreements in Florida; 1 no longer on ICE's list, 1 back on ICE's list, 1 date corrected; 1 new pending 287(g) request ──",
      'New agreements:',
      '  • Walton County Sheriff (Walton) · Task Force Model (TFM), signed 2025-06-02',
      doc('WaltonCountySheriff'),
      "No longer on ICE's list:",
      '  • City of Miami Springs PD · Task Force Model (TFM), signed 2025-06-02, last listed 2025-06-02 13:05 UTC',
      doc('CityofMiamiSpringsPD'),
      "Back on ICE's list (not new):",
      "  • Moore County Sheriff · Task Force Model (TFM), signed 2025-06-02: back on ICE's list, missing since 2025-05-29 09:12 UTC",
      doc('MooreCountySheriff'),
      'Renewed (a new agreement document):',
      '  • Lake County Sheriff · Task Force Model (TFM), signed 2025-06-02 (previously signed 2025-02-20)',
      doc('LakeCountySheriff'),
      '    previous MOA: https://www.ice.gov/doclib/287gMOA/old.pdf',
      'Renamed or moved by ICE (same agreement: not new, not ended):',
      '  • Okaloosa County Corrections → Okaloosa County BOCC · Task Force Model (TFM), signed 2025-06-02, same MOA document',
      doc('OkaloosaCountyBOCC'),
      'SIGNED date corrected by ICE (not a renewal):',
      "  • St. Lucie County Sheriff's Office · Task Force Model (TFM): SIGNED date 2025-02-26 → 2025-06-02 (same agency and model; MOA link still pending)",
      'New pending requests:',
      '  • Jupiter PD · Task Force Model (TFM)',
      // The state's totals as every platform gives them (the shared alert message's fields).
      'Florida now: 339 active (JEM 80 · TFM 230 · WSO 29)',
      'Pending requests: 4',
      'Source: ICE participating list, participatingAgencies06032025pm.xlsx, fetched 2025-06-03 21:04 UTC',
    ]);
  });
});
