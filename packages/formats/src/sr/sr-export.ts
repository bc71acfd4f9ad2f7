import type { ImageState } from '@readingroom/model';
import { safeReaderName, safeFileStem } from '../file-names';
import { stateApplies } from '../image-index';
import type { PreparedExport } from '../prepare-export';
import type { ImageInfo, LabelFile, StudyInfo } from '../types';
import { deterministicUid, sha256Hex } from '../uid';
import { writePart10 } from './dcmjs-data';
import { CODES, COMPREHENSIVE_3D_SR, COMPREHENSIVE_SR, RR_SCHEME_IDENTIFICATION } from './sr-codes';
import { measurementGroup } from './sr-groups';
import { asciiJson } from './sr-text';
import { codeItem, container, imageItem, imageRef, pnameItem, textItem, uidrefItem, type Item } from './sr-items';

export const SR_DIR = 'sr';
export const IMPLEMENTATION_VERSION_NAME = 'READINGROOM_1';

/** `sr/<reader>/<StudyInstanceUID>.dcm`, the reader id encoded as by `safeFileStem`. */
export function srPath(readerId: string, studyInstanceUid: string): string {
  return `${SR_DIR}/${safeReaderName(readerId)}/${safeFileStem(studyInstanceUid)}.dcm`;
}

/** A display name as a DICOM PN value: one component (no `^`, `=` or `\`), at most 64 characters. */
export function personName(displayName: string): string {
  return [...displayName.replace(/[\\^=]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, ' ')].slice(0, 64).join('');
}

function dicomDateTime(now: number): { date: string; time: string } {
  const iso = new Date(now).toISOString(); // 2025-01-31T12:34:56.789Z
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: `${iso.slice(11, 19).replace(/:/g, '')}.${iso.slice(20, 23)}` };
}

/**
 * DICOM SR, template TID 1500 (Imaging Measurement Report): one document per study of the read,
 * written with dcmjs. Observer context: a person whose name is the reader's display name and
 * whose login name is the reader id. Each box is a measurement group (TID 1410 planar ROI for
 * `box2d`, TID 1411 volumetric ROI for `box3d`) with tracking id and UID, the label as a
 * `Finding` code in the private `99RR` scheme, the region, the note (`Comment`), the
 * confidence and a JSON record for an exact round trip. Review outcomes are qualitative
 * evaluations. UIDs derive from the inputs (see `deterministicUid`), dates from `now` (UTC).
 */
export function exportSr(prepared: PreparedExport): LabelFile[] {
  const { input } = prepared;
  const studies = [...new Set(input.images.map((image) => image.studyInstanceUid))];
  const files: LabelFile[] = [];
  for (const studyUid of studies) {
    const groups: Item[] = [];
    const referenced: ImageInfo[] = [];
    let uses3d = false;
    for (const entry of prepared.annotations) {
      if (entry.annotation.studyInstanceUid !== studyUid) continue;
      const group = measurementGroup(entry, input.readerId, prepared.warnings);
      if (group === null) continue;
      groups.push(group.item);
      referenced.push(...group.images);
      uses3d ||= group.uses3d;
    }
    const states = prepared.states.filter((state) => state.studyInstanceUid === studyUid);
    const evaluations = states.map((state) => stateItem(state, prepared));
    // The images a review outcome is about are its evidence (one image, or all of a series or study).
    for (const state of states) {
      referenced.push(...input.images.filter((image) => stateApplies(state, image)));
    }
    if (groups.length === 0 && evaluations.length === 0) continue;
    const study = input.studies.find((s) => s.studyInstanceUid === studyUid);
    const dataset = document({ prepared, studyUid, study, groups, evaluations, referenced, uses3d });
    files.push({
      path: srPath(input.readerId, studyUid),
      content: writePart10(dataset, { implementationClassUid: deterministicUid('implementation-class'), implementationVersionName: IMPLEMENTATION_VERSION_NAME }),
    });
  }
  return files;
}

function stateItem(state: ImageState, prepared: PreparedExport): Item {
  const target =
    state.level === 'image'
      ? imageItem('HAS PROPERTIES', CODES.sourceImage, imageRef(prepared.index.byFrame(state.sopInstanceUid, state.frameIndex)!))
      : state.level === 'series'
        ? uidrefItem('HAS PROPERTIES', CODES.seriesInstanceUid, state.seriesInstanceUid)
        : uidrefItem('HAS PROPERTIES', CODES.studyInstanceUid, state.studyInstanceUid);
  return codeItem('CONTAINS', CODES.reviewOutcome, state.status === 'no_finding' ? CODES.noFinding : CODES.excludedPoorQuality, [
    target,
    ...(state.reason !== undefined ? [textItem('HAS PROPERTIES', CODES.exclusionReason, state.reason)] : []),
    textItem('HAS PROPERTIES', CODES.annotationRecord, asciiJson({ type: 'image-state', version: 1, setBy: state.setBy, setAt: state.setAt })),
  ]);
}

interface DocumentParts {
  prepared: PreparedExport;
  studyUid: string;
  study: StudyInfo | undefined;
  groups: Item[];
  evaluations: Item[];
  referenced: ImageInfo[];
  uses3d: boolean;
}

function document({ prepared, studyUid, study, groups, evaluations, referenced, uses3d }: DocumentParts): Record<string, unknown> {
  const { input } = prepared;
  const { date, time } = dicomDateTime(input.now);
  const unique = [...new Map(referenced.map((image) => [image.sopInstanceUid, image])).values()];
  const series = [...new Set(unique.map((image) => image.seriesInstanceUid))];
  const content: Item[] = [
    codeItem('HAS CONCEPT MOD', CODES.language, CODES.englishUS),
    codeItem('HAS OBS CONTEXT', CODES.observerType, CODES.person),
    pnameItem('HAS OBS CONTEXT', CODES.personObserverName, personName(prepared.readerName)),
    textItem('HAS OBS CONTEXT', CODES.personObserverLogin, input.readerId),
    codeItem('HAS CONCEPT MOD', CODES.procedureReported, CODES.imagingProcedure),
    container('CONTAINS', CODES.imageLibrary, unique.length === 0 ? [] : [container('CONTAINS', CODES.imageLibraryGroup, unique.map((image) => imageItem('CONTAINS', null, { ...imageRef(image), frameNumber: null })))]),
    ...(groups.length > 0 ? [container('CONTAINS', CODES.imagingMeasurements, groups)] : []),
    ...(evaluations.length > 0 ? [container('CONTAINS', CODES.qualitativeEvaluations, evaluations)] : []),
  ];
  const contentDigest = sha256Hex(JSON.stringify(content));
  const dataset: Record<string, unknown> = {
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    SOPClassUID: uses3d ? COMPREHENSIVE_3D_SR : COMPREHENSIVE_SR,
    SOPInstanceUID: deterministicUid('sr-instance', studyUid, input.readerId, String(input.now), contentDigest),
    StudyDate: study?.studyDate ?? '',
    ContentDate: date,
    StudyTime: study?.studyTime ?? '',
    ContentTime: time,
    AccessionNumber: study?.accessionNumber ?? '',
    Modality: 'SR',
    Manufacturer: 'Reading Room',
    ReferringPhysicianName: study?.referringPhysicianName ?? '',
    TimezoneOffsetFromUTC: '+0000',
    SeriesDescription: loDescription(`Labels: ${prepared.readerName}`),
    PatientName: study?.patientName ?? '',
    PatientID: study?.patientId ?? '',
    PatientBirthDate: study?.patientBirthDate ?? '',
    PatientSex: study?.patientSex ?? '',
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: deterministicUid('sr-series', studyUid, input.readerId),
    StudyID: study?.studyId ?? '',
    SeriesNumber: 9001,
    InstanceNumber: 1,
    ReferencedPerformedProcedureStepSequence: [],
    CodingSchemeIdentificationSequence: [RR_SCHEME_IDENTIFICATION],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [CODES.imagingMeasurementReport],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    PertinentOtherEvidenceSequence: [
      {
        StudyInstanceUID: studyUid,
        ReferencedSeriesSequence: series.map((seriesUid) => ({
          SeriesInstanceUID: seriesUid,
          ReferencedSOPSequence: unique
            .filter((image) => image.seriesInstanceUid === seriesUid)
            .map((image) => ({ ReferencedSOPClassUID: image.sopClassUid, ReferencedSOPInstanceUID: image.sopInstanceUid })),
        })),
      },
    ],
    PerformedProcedureCodeSequence: [],
    ContentSequence: content,
  };
  // dcmjs writes text as UTF-8; declare it only when needed (plain ASCII is the default repertoire).
  return /[^\u0000-\u007f]/.test(JSON.stringify(dataset)) ? { SpecificCharacterSet: 'ISO_IR 192', ...dataset } : dataset;
}

function loDescription(text: string): string {
  return [...text.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, ' ')].slice(0, 64).join('');
}
