/**
 * Synthetic 287(g) agreements for the bench: deterministic (seeded), shaped like ICE's
 * rows (sheriff's offices and police departments, JEM/TFM/WSO, signed dates mostly in
 * 2025), each agency name made unique by a number so the expected diff is known exactly.
 */
import { agencyKey } from '../src/domain/agreements/agency';
import { STATES, type StateInfo } from '../src/domain/states';
import { DEFAULT_GUARDS, judgePublication } from '../src/domain/agreements/guards';
import { contentHashOf } from '../src/domain/agreements/snapshot';
import type { SnapshotStore } from '../src/store/snapshot-store';
import { MODELS, type Agreement, type ListKind, type Snapshot } from '../src/domain/types';
import { seededRandom } from './measure';

const PLACES = [
  'Adams',
  'Baker',
  'Bay',
  'Brazos',
  'Calhoun',
  'Clay',
  'Collier',
  'Dallas',
  'Duval',
  'Escambia',
  'Franklin',
  'Gulf',
  'Harris',
  'Jackson',
  'Jefferson',
  'Lake',
  'Lee',
  'Madison',
  'Marion',
  'Monroe',
  'Nassau',
  'Orange',
  'Pasco',
  'Polk',
  'Putnam',
  'Santa Rosa',
  'Travis',
  'Union',
  'Walton',
  'Washington',
];
const MAINLAND = STATES.filter((s) => !s.territory);
const TEXAS = STATES.find((s) => s.code === 'TX')!;

export interface Options {
  seed: number;
  /** Share of rows placed in Texas (the rest spread over the other states); default: uniform. */
  texasShare?: number;
  /** Pending rows have no SIGNED date. */
  pending?: boolean;
}

/** Makes agreements one at a time; every agency name carries a number never used before. */
export class AgreementFactory {
  private n = 0;
  readonly random: () => number;

  constructor(private readonly opts: Options) {
    this.random = seededRandom(opts.seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private state(): StateInfo {
    const share = this.opts.texasShare;
    if (share === undefined) return this.pick(MAINLAND);
    if (this.random() < share) return TEXAS;
    let s = this.pick(MAINLAND);
    while (s.code === 'TX') s = this.pick(MAINLAND);
    return s;
  }

  /** A SIGNED date: seven in ten in 2025 (the year the program grew), the rest 2017-2024. */
  signedDate(): string {
    const recent = this.random() < 0.7;
    const start = Date.UTC(recent ? 2025 : 2017, 0, 1);
    const end = recent ? Date.UTC(2025, 11, 12) : Date.UTC(2024, 11, 31);
    return new Date(start + Math.floor(this.random() * (end - start))).toISOString().slice(0, 10);
  }

  next(): Agreement {
    const n = ++this.n;
    const state = this.state();
    const place = `${this.pick(PLACES)} ${n}`;
    const sheriff = this.random() < 0.7;
    const agency = sheriff ? `${place} County Sheriff's Office` : `${place} PD`;
    const slug = agencyKey(agency).replace(/ /g, '');
    return {
      state: state.name,
      stateCode: state.code,
      agency,
      agencyKey: agencyKey(agency),
      type: sheriff ? 'County' : 'Municipality',
      county: sheriff ? `${place} County` : null,
      model: this.pick(MODELS),
      signed: this.opts.pending ? null : this.signedDate(),
      moaUrl: this.opts.pending ? null : `https://www.ice.gov/doclib/about/offices/ero/287g/moa/${state.code.toLowerCase()}${slug}.pdf`,
      addendumUrl: null,
    };
  }

  many(count: number): Agreement[] {
    return Array.from({ length: count }, () => this.next());
  }
}

/** "Foo 12 PD" under the name ICE corrected it to; the same agreement, a new agency key. */
export function renamed(row: Agreement): Agreement {
  const agency = row.agency.replace(/ PD$/, ' Police Department');
  return { ...row, agency, agencyKey: agencyKey(agency) };
}

/** The same agreement signed again, on a later date, with its new MOA document (a renewal needs one). */
export function renewed(row: Agreement, random: () => number): Agreement {
  const day = 1 + Math.floor(random() * 28);
  const signed = `2026-01-${String(day).padStart(2, '0')}`;
  return { ...row, signed, moaUrl: row.moaUrl ? row.moaUrl.replace(/\.pdf$/, `_${signed}.pdf`) : row.moaUrl };
}

export interface Evolution {
  next: Agreement[];
  expected: { ended: number; signed: number; renamed: number; renewed: number };
}

/**
 * The next publication of `rows`: `ended` rows gone, `added` new ones, `renames` police
 * departments renamed "PD" -> "Police Department", `renewals` re-signed. Which rows is
 * decided by the factory's seeded random source; the counts are exact.
 */
export function evolve(
  rows: readonly Agreement[],
  factory: AgreementFactory,
  counts: { ended: number; added: number; renames: number; renewals: number },
): Evolution {
  const random = factory.random;
  const order = rows.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fate = new Map<number, 'end' | 'rename' | 'renew'>();
  let k = 0;
  let ended = 0;
  let renames = 0;
  let renewals = 0;
  for (; k < order.length && ended < counts.ended; k++, ended++) fate.set(order[k], 'end');
  for (; k < order.length && (renames < counts.renames || renewals < counts.renewals); k++) {
    const row = rows[order[k]];
    if (renames < counts.renames && row.agency.endsWith(' PD')) {
      fate.set(order[k], 'rename');
      renames++;
    } else if (renewals < counts.renewals) {
      fate.set(order[k], 'renew');
      renewals++;
    }
  }
  const next: Agreement[] = [];
  rows.forEach((row, i) => {
    const f = fate.get(i);
    if (f === 'end') return;
    next.push(f === 'rename' ? renamed(row) : f === 'renew' ? renewed(row, random) : row);
  });
  next.push(...factory.many(counts.added));
  return { next, expected: { ended, signed: counts.added, renamed: renames, renewed: renewals } };
}

/** A list of synthetic rows as a stored snapshot would hold it: `source`'s list, fetched at `at`, named by `name`. */
export function syntheticSnapshot(source: ListKind, rows: Agreement[], at = new Date().toISOString(), name = `${source}-bench`): Snapshot {
  const meta = {
    url: 'file:///bench.xlsx',
    fileName: `${name}.xlsx`,
    etag: null,
    lastModified: null,
    sha256: name,
    bytes: 0,
    fetchedAt: at,
    modifiedInFile: null,
  };
  return { source, detectedKind: source, rows, contentHash: contentHashOf(rows), meta, warnings: [] };
}

/** Stores each list as its source's accepted baseline (judged as a first publication is), as a store would hold them after a first poll. */
export async function storeBaselines(snapshots: SnapshotStore, lists: Partial<Record<ListKind, Agreement[]>>): Promise<void> {
  for (const [source, rows] of Object.entries(lists) as Array<[ListKind, Agreement[]]>) {
    const outcome = judgePublication(null, syntheticSnapshot(source, rows), { now: new Date(), guards: DEFAULT_GUARDS });
    await snapshots.saveState(source, outcome.next!, 'baseline');
  }
}
