/**
 * One row of ICE's facility list ("Facilities FY25" / "Facilities FY26" in every
 * detention-statistics workbook): a facility that held at least one person at ICE's data pull.
 * Every population figure is ICE's fiscal-year-to-date average daily population (ADP), a
 * fractional average since October 1, never a head count on one day.
 */
export interface FacilityRow {
  name: string;
  address: string;
  city: string;
  /** USPS code as ICE writes it ("TX"). */
  state: string;
  /** Five digits with leading zeros restored ("02863", "00939"); null when ICE left it blank. */
  zip: string | null;
  /** Area of responsibility: the ICE field office ("HOU", "SNA"). */
  aor: string;
  /** "Type Detailed": IGSA, USMS IGA, DIGSA, CDF, SPC, STAGING, BOP, ... */
  type: string;
  /** "Male/Female": who it holds ("Female/Male", "Male"). */
  gender: string;
  /** Average length of stay in days, this fiscal year; null when blank. */
  alos: number | null;
  /** ADP by detainee classification level, A (lowest risk) to D. */
  levels: { a: number; b: number; c: number; d: number };
  /** The facility's ADP: the sum of its classification levels A-D (SPEC section 7). */
  adp: number;
  /** Average daily population held under mandatory detention; null when blank. */
  mandatory: number | null;
  /** The contract's guaranteed minimum (beds paid for whether used or not); null when blank or "N/A". */
  guaranteedMinimum: number | null;
}
