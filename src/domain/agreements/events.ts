import type { Agreement } from '../types';

/** The fields every agreement event carries: the agreement as it now stands (or last stood). */
export interface AgreementFields {
  state: string;
  stateCode: string | null;
  agency: string;
  model: string;
  signed: string | null;
  county: string | null;
  /** County, Municipality, State Agency (the list's TYPE column); named so as not to clash with the event type. */
  agencyType: string | null;
  moaUrl: string | null;
}

/**
 * Why two rows of two lists were judged one agreement (see `pairAgreements` in identity.ts),
 * in words a reader can check: a rename line says which.
 */
export type MatchEvidence = 'same-document' | 'same-name' | 'near-name' | 'named-unit' | 'same-place' | 'moved-state' | 're-signed';

/** Events of SPEC section 3 produced by diffing two 287(g) lists. */
export type ListEvent =
  | ({ type: 'agreement.signed' } & AgreementFields)
  | ({
      type: 'agreement.ended';
      /** When ice-watch last saw it on ICE's list (the fetch time of that publication), when known. */
      lastListedAt: string | null;
    } & AgreementFields)
  | ({
      type: 'agreement.relisted';
      /** When it was announced as no longer listed. */
      missingSince: string;
    } & AgreementFields)
  | ({
      type: 'agreement.renewed';
      previousSigned: string | null;
      /** The document of the agreement it replaces. */
      previousMoaUrl: string | null;
    } & AgreementFields)
  | ({
      type: 'agreement.corrected';
      /** ICE changed the SIGNED date of the same agreement (same document, or still "link pending"). */
      previousSigned: string | null;
      evidence: MatchEvidence;
    } & AgreementFields)
  | ({
      type: 'agreement.renamed';
      previousAgency: string;
      /** Set when ICE also corrected the state (Cass County Sheriff's Office, Montana -> Minnesota). */
      previousState: string | null;
      previousStateCode: string | null;
      evidence: MatchEvidence;
    } & AgreementFields)
  | ({ type: 'pending.added' } & AgreementFields)
  | ({ type: 'pending.removed' } & AgreementFields)
  | ({ type: 'pending.signed'; signedOn: string | null } & AgreementFields)
  | { type: 'state.first'; state: string; stateCode: string | null; total: number }
  | { type: 'state.cleared'; state: string; stateCode: string | null; previousTotal: number };

/** The agreement fields of a row, as events carry them. `agencyKey` and `addendumUrl` stay internal. */
export function eventFields(a: Agreement): AgreementFields {
  return {
    state: a.state,
    stateCode: a.stateCode,
    agency: a.agency,
    model: a.model,
    signed: a.signed,
    county: a.county,
    agencyType: a.type,
    moaUrl: a.moaUrl,
  };
}

/** The evidence of a match, as an alert line says it. */
export const EVIDENCE_TEXT: Record<MatchEvidence, string> = {
  'same-document': 'same MOA document',
  'same-name': 'same name, written another way',
  'near-name': 'spelling corrected',
  'named-unit': 'same agency, a unit named',
  'same-place': 'same place, model and SIGNED date',
  'moved-state': 'same agency, model and SIGNED date',
  're-signed': 'the same office signed again, with a new MOA document',
};
