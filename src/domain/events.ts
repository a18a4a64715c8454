import type { Agreement } from './types';

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


/** Events of SPEC section 3 produced by diffing two 287(g) lists. */
export type ListEvent =
  | ({ type: 'agreement.signed' } & AgreementFields)
  | ({ type: 'agreement.ended' } & AgreementFields)
  | ({ type: 'agreement.renewed'; previousSigned: string | null } & AgreementFields)
  | ({
      type: 'agreement.renamed';
      previousAgency: string;
      /** Set when ICE also corrected the state (Cass County Sheriff's Office, Montana -> Minnesota). */
      previousState: string | null;
      previousStateCode: string | null;
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
