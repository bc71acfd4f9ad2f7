import { sha256Hex } from '../uid';

/** A coded concept as it sits in a naturalized dataset's code sequence item. */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

const code = (CodeValue: string, CodingSchemeDesignator: string, CodeMeaning: string): Code => ({ CodeValue, CodingSchemeDesignator, CodeMeaning });

export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
export const COMPREHENSIVE_3D_SR = '1.2.840.10008.5.1.4.1.1.88.34';

/**
 * The private coding scheme of Reading Room: taxonomy labels (code value `RR` + the first 10 hex
 * digits of SHA-256 of the label's UTF-8, upper case; meaning = the label, shortened to 64
 * characters) and a few concepts DICOM has no code for.
 */
export const RR_SCHEME = '99RR';
export const RR_SCHEME_IDENTIFICATION = {
  CodingSchemeDesignator: RR_SCHEME,
  CodingSchemeName: 'Reading Room project taxonomy and annotation concepts',
  CodingSchemeResponsibleOrganization: 'Reading Room',
};

export const CODES = {
  imagingMeasurementReport: code('126000', 'DCM', 'Imaging Measurement Report'),
  language: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  englishUS: code('en-US', 'RFC5646', 'English (United States)'),
  observerType: code('121005', 'DCM', 'Observer Type'),
  person: code('121006', 'DCM', 'Person'),
  personObserverName: code('121008', 'DCM', 'Person Observer Name'),
  personObserverLogin: code('128774', 'DCM', "Person Observer's Login Name"),
  procedureReported: code('121058', 'DCM', 'Procedure reported'),
  imagingProcedure: code('363679005', 'SCT', 'Imaging procedure'),
  imageLibrary: code('111028', 'DCM', 'Image Library'),
  imageLibraryGroup: code('126200', 'DCM', 'Image Library Group'),
  imagingMeasurements: code('126010', 'DCM', 'Imaging Measurements'),
  measurementGroup: code('125007', 'DCM', 'Measurement Group'),
  trackingIdentifier: code('112039', 'DCM', 'Tracking Identifier'),
  trackingUid: code('112040', 'DCM', 'Tracking Unique Identifier'),
  finding: code('121071', 'DCM', 'Finding'),
  imageRegion: code('111030', 'DCM', 'Image Region'),
  sourceImage: code('121324', 'DCM', 'Source Image'),
  comment: code('121106', 'DCM', 'Comment'),
  qualitativeEvaluations: code('C0034375', 'UMLS', 'Qualitative Evaluations'),
  studyInstanceUid: code('110180', 'DCM', 'Study Instance UID'),
  seriesInstanceUid: code('112002', 'DCM', 'Series Instance UID'),
  readerConfidence: code('RRCONF', RR_SCHEME, 'Reader confidence (1 low to 5 high)'),
  annotationRecord: code('RRREC', RR_SCHEME, 'Reading Room record (JSON)'),
  reviewOutcome: code('RRSTATE', RR_SCHEME, 'Image review outcome'),
  noFinding: code('RRNOFIND', RR_SCHEME, 'No finding'),
  excludedPoorQuality: code('RREXCL', RR_SCHEME, 'Excluded: poor image quality'),
  exclusionReason: code('RRWHY', RR_SCHEME, 'Reason for exclusion'),
} as const;

/** Code value of a taxonomy label in the `99RR` scheme. */
export function labelCodeValue(label: string): string {
  return `RR${sha256Hex(label).slice(0, 10).toUpperCase()}`;
}

/** A text as a DICOM LO value: no backslash or control characters, at most 64 characters. */
export function loText(text: string): string {
  const cleaned = text.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return [...cleaned].slice(0, 64).join('');
}

/** The coded concept of a taxonomy label. */
export function labelCode(label: string): Code {
  return code(labelCodeValue(label), RR_SCHEME, loText(label));
}

/** Whether two coded concepts are the same concept (value and scheme). */
export function sameCode(a: { CodeValue?: unknown; CodingSchemeDesignator?: unknown } | undefined, b: Code): boolean {
  return a !== undefined && a.CodeValue === b.CodeValue && a.CodingSchemeDesignator === b.CodingSchemeDesignator;
}
