/**
 * The de-identification rules: a subset of the PS3.15 Annex E Basic Application Level
 * Confidentiality Profile with the Retain Longitudinal Temporal Information Modified Dates
 * option, made stricter by VR-based defaults (free text and person names not listed as safe
 * are removed). DEIDENTIFICATION.md documents this table; a test keeps the two in step.
 */
export const Action = {
  /** Keep the element as is (sequences are still cleaned item by item). */
  Keep: 'keep',
  /** Remove the element (Annex E "X"). */
  Remove: 'remove',
  /** Keep the element with an empty value (Annex E "Z", type 2 attributes). */
  Empty: 'empty',
  /** Replace by the patient pseudonym's name. */
  PseudonymName: 'pseudonym-name',
  /** Replace by the patient pseudonym's id. */
  PseudonymId: 'pseudonym-id',
  /** Map every UID value through the UID mapper unless it is a standard (1.2.840.10008) UID. */
  MapUid: 'map-uid',
  /** Shift DA values (and the date part of DT values) by the patient's offset; TM is kept. */
  ShiftDate: 'shift-date',
} as const;

export type Action = (typeof Action)[keyof typeof Action];

/** Explicit per-tag rules: [tag, attribute name, action]. */
export const TAG_RULES: ReadonlyArray<readonly [string, string, Action]> = [
  ['00080050', 'Accession Number', Action.Empty],
  ['00080080', 'Institution Name', Action.Remove],
  ['00080081', 'Institution Address', Action.Remove],
  ['00080082', 'Institution Code Sequence', Action.Remove],
  ['00080090', "Referring Physician's Name", Action.Empty],
  ['00080092', "Referring Physician's Address", Action.Remove],
  ['00080094', "Referring Physician's Telephone Numbers", Action.Remove],
  ['00080096', 'Referring Physician Identification Sequence', Action.Remove],
  ['00080201', 'Timezone Offset From UTC', Action.Remove],
  ['00081010', 'Station Name', Action.Remove],
  ['00081030', 'Study Description', Action.Remove],
  ['00081032', 'Procedure Code Sequence', Action.Remove],
  ['0008103E', 'Series Description', Action.Remove],
  ['00081040', 'Institutional Department Name', Action.Remove],
  ['00081048', 'Physician(s) of Record', Action.Remove],
  ['00081050', "Performing Physician's Name", Action.Remove],
  ['00081060', 'Name of Physician(s) Reading Study', Action.Remove],
  ['00081070', "Operators' Name", Action.Remove],
  ['00081080', 'Admitting Diagnoses Description', Action.Remove],
  ['00081084', 'Admitting Diagnoses Code Sequence', Action.Remove],
  ['00081110', 'Referenced Study Sequence', Action.Remove],
  ['00081111', 'Referenced Performed Procedure Step Sequence', Action.Remove],
  ['00081120', 'Referenced Patient Sequence', Action.Remove],
  ['00082111', 'Derivation Description', Action.Remove],
  ['00100010', "Patient's Name", Action.PseudonymName],
  ['00100020', 'Patient ID', Action.PseudonymId],
  ['00100030', "Patient's Birth Date", Action.Empty],
  ['00100040', "Patient's Sex", Action.Empty],
  ['00101000', 'Other Patient IDs', Action.Remove],
  ['00101001', 'Other Patient Names', Action.Remove],
  ['00101002', 'Other Patient IDs Sequence', Action.Remove],
  ['00101010', "Patient's Age", Action.Remove],
  ['00101040', "Patient's Address", Action.Remove],
  ['00102154', "Patient's Telephone Numbers", Action.Remove],
  ['00102160', 'Ethnic Group', Action.Remove],
  ['00181000', 'Device Serial Number', Action.Remove],
  ['00181030', 'Protocol Name', Action.Remove],
  ['00200010', 'Study ID', Action.Empty],
  ['00204000', 'Image Comments', Action.Remove],
  ['00400275', 'Request Attributes Sequence', Action.Remove],
  ['00401001', 'Requested Procedure ID', Action.Remove],
  ['00880200', 'Icon Image Sequence', Action.Remove],
  // Free-text attributes known to be safe for images; every other LO/SH/ST/LT/UT/UC/UR/AE is removed.
  ['00080070', 'Manufacturer', Action.Keep],
  ['00080100', 'Code Value', Action.Keep],
  ['00080102', 'Coding Scheme Designator', Action.Keep],
  ['00080103', 'Coding Scheme Version', Action.Keep],
  ['00080104', 'Code Meaning', Action.Keep],
  ['00081090', "Manufacturer's Model Name", Action.Keep],
  ['00180024', 'Sequence Name', Action.Keep],
  ['00181020', 'Software Versions', Action.Keep],
  ['00181250', 'Receive Coil Name', Action.Keep],
  ['00181251', 'Transmit Coil Name', Action.Keep],
  ['00201040', 'Position Reference Indicator', Action.Keep],
  ['00281054', 'Rescale Type', Action.Keep],
  ['00281055', 'Window Center & Width Explanation', Action.Keep],
  ['00283003', 'LUT Explanation', Action.Keep],
  ['00409210', 'LUT Label', Action.Keep],
];

const BY_TAG: ReadonlyMap<string, Action> = new Map(TAG_RULES.map(([tag, , action]) => [tag, action]));

/** Groups removed entirely apart from the tags listed above: patient, study scheduling, visit, results, curves, overlays. */
function inRemovedGroup(group: number): boolean {
  return group === 0x0010 || group === 0x0032 || group === 0x0038 || group === 0x4008 || (group >= 0x5000 && group <= 0x50ff) || (group >= 0x6000 && group <= 0x60ff);
}

const FREE_TEXT_VRS = new Set(['AE', 'LO', 'LT', 'SH', 'ST', 'UC', 'UR', 'UT']);

/**
 * The action for one dataset element (outside the File Meta group). Precedence: the tag
 * table; private tags, group lengths and removed groups; then the element's VR.
 */
export function actionFor(tag: string, vr: string): Action {
  const listed = BY_TAG.get(tag);
  if (listed) return listed;
  const group = Number.parseInt(tag.slice(0, 4), 16);
  if (group % 2 === 1 || tag.endsWith('0000') || inRemovedGroup(group)) return Action.Remove;
  if (tag === '00120062' || tag === '00120063' || tag === '00120064' || tag === '00280303') return Action.Remove; // re-added by deidentify
  switch (vr) {
    case 'UI':
      return Action.MapUid;
    case 'DA':
    case 'DT':
      return Action.ShiftDate;
    case 'PN':
    case 'AS':
    case 'UN':
      return Action.Remove;
    default:
      return FREE_TEXT_VRS.has(vr) ? Action.Remove : Action.Keep;
  }
}
