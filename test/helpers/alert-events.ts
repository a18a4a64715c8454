import { alertTitle, type StateAlert } from '../../src/domain/alerts/alerts';
import type { AgreementFields, ListEvent } from '../../src/domain/agreements/events';

/** An agreement as events carry it: a Florida TFM agreement with its MOA, changed by `over`. */
export function fieldsOf(agency: string, over: Partial<AgreementFields> = {}): AgreementFields {
  return {
    state: 'Florida',
    stateCode: 'FL',
    agency,
    model: 'TFM',
    signed: '2025-06-02',
    county: 'Okaloosa',
    agencyType: 'County',
    moaUrl: `https://www.ice.gov/doclib/287gMOA/287gTFM_${agency.replace(/\W+/g, '')}.pdf`,
    ...over,
  };
}

/** One event of each kind, by its type: the rest of its fields as ICE's real runs give them. */
export const ev = {
  signed: (agency: string, over: Partial<AgreementFields> = {}): ListEvent => ({ type: 'agreement.signed', ...fieldsOf(agency, over) }),
  ended: (agency: string, lastListedAt: string | null, over: Partial<AgreementFields> = {}): ListEvent => ({
    type: 'agreement.ended',
    lastListedAt,
    ...fieldsOf(agency, over),
  }),
  relisted: (agency: string, missingSince: string, over: Partial<AgreementFields> = {}): ListEvent => ({
    type: 'agreement.relisted',
    missingSince,
    ...fieldsOf(agency, over),
  }),
  renewed: (
    agency: string,
    previousSigned: string | null,
    previousMoaUrl: string | null,
    over: Partial<AgreementFields> = {},
  ): ListEvent => ({ type: 'agreement.renewed', previousSigned, previousMoaUrl, ...fieldsOf(agency, over) }),
  corrected: (
    agency: string,
    previousSigned: string | null,
    evidence: Extract<ListEvent, { type: 'agreement.corrected' }>['evidence'],
    over: Partial<AgreementFields> = {},
  ): ListEvent => ({ type: 'agreement.corrected', previousSigned, evidence, ...fieldsOf(agency, over) }),
  renamed: (
    previousAgency: string,
    agency: string,
    evidence: Extract<ListEvent, { type: 'agreement.renamed' }>['evidence'],
    over: Partial<AgreementFields> = {},
  ): ListEvent => ({
    type: 'agreement.renamed',
    previousAgency,
    previousState: null,
    previousStateCode: null,
    evidence,
    ...fieldsOf(agency, over),
  }),
  pendingAdded: (agency: string, over: Partial<AgreementFields> = {}): ListEvent => ({
    type: 'pending.added',
    ...fieldsOf(agency, { signed: null, moaUrl: null, ...over }),
  }),
};

/** A Florida alert of `events`, titled as buildStateAlerts titles it. */
export function floridaAlert(events: ListEvent[]): StateAlert {
  return {
    id: 'participating:abc123:FL',
    source: 'participating',
    state: 'Florida',
    stateCode: 'FL',
    title: alertTitle('Florida', events),
    events,
    totals: { total: 339, byModel: { JEM: 80, TFM: 230, WSO: 29, other: 0 }, pending: 4 },
    file: {
      fileName: 'participatingAgencies06032025pm.xlsx',
      url: 'https://www.ice.gov/doclib/about/offices/ero/pdf/participatingAgencies06032025pm.xlsx',
      fetchedAt: '2025-06-03T21:04:11.000Z',
      sha256: 'abc123',
    },
  };
}

/** `n` signings with long, distinct names and documents, as a big Florida day has them. */
export function manySignings(n: number): ListEvent[] {
  return Array.from({ length: n }, (_, i) =>
    ev.signed(`Agency number ${i + 1} Sheriff's Office of a long county name`, { county: `County ${i + 1}` }),
  );
}
