import type { CatalogInstance, SeriesSummary, StudySummary } from '../catalog/catalog';
import type { DicomJson, DicomJsonElement } from './study-source';

const text = (vr: string, value: string | null | undefined): DicomJsonElement => (value ? { vr, Value: [value] } : { vr });
const number = (vr: string, value: number | null | undefined): DicomJsonElement =>
  value === null || value === undefined ? { vr } : { vr, Value: [value] };
const personName = (value: string | null): DicomJsonElement => (value ? { vr: 'PN', Value: [{ Alphabetic: value }] } : { vr: 'PN' });

/** QIDO-RS study attributes (PS3.18 Table 10.6.3-3), patient module as stored. */
export function studyJson(study: StudySummary): DicomJson {
  return {
    '00080020': text('DA', study.studyDate),
    '00080030': text('TM', study.studyTime),
    '00080050': text('SH', study.accessionNumber),
    '00080061': study.modalities.length > 0 ? { vr: 'CS', Value: [...study.modalities] } : { vr: 'CS' },
    '00081030': text('LO', study.studyDescription),
    '00100010': personName(study.patientName),
    '00100020': text('LO', study.patientId),
    '00100040': text('CS', study.patientSex),
    '0020000D': text('UI', study.studyInstanceUid),
    '00200010': text('SH', study.studyId),
    '00201206': number('IS', study.seriesCount),
    '00201208': number('IS', study.instanceCount),
  };
}

/** QIDO-RS series attributes (PS3.18 Table 10.6.3-4). */
export function seriesJson(series: SeriesSummary): DicomJson {
  return {
    '00080060': text('CS', series.modality),
    '0008103E': text('LO', series.seriesDescription),
    '00180015': text('CS', series.bodyPart),
    '0020000D': text('UI', series.studyInstanceUid),
    '0020000E': text('UI', series.seriesInstanceUid),
    '00200011': number('IS', series.seriesNumber),
    '00201209': number('IS', series.instanceCount),
  };
}

/** QIDO-RS instance attributes (PS3.18 Table 10.6.3-5) plus the image geometry viewers ask for. */
export function instanceJson(instance: CatalogInstance): DicomJson {
  const numbers = (vr: string, values: readonly number[] | null) => (values ? { vr, Value: [...values] } : { vr });
  return {
    '00080016': text('UI', instance.sopClassUid),
    '00080018': text('UI', instance.sopInstanceUid),
    '00080060': text('CS', instance.modality),
    '00180050': number('DS', instance.sliceThickness),
    '0020000D': text('UI', instance.studyInstanceUid),
    '0020000E': text('UI', instance.seriesInstanceUid),
    '00200013': number('IS', instance.instanceNumber),
    '00200032': numbers('DS', instance.imagePositionPatient),
    '00200037': numbers('DS', instance.imageOrientationPatient),
    '00280008': number('IS', instance.numberOfFrames),
    '00280010': number('US', instance.rows),
    '00280011': number('US', instance.columns),
    '00280030': numbers('DS', instance.pixelSpacing),
  };
}
