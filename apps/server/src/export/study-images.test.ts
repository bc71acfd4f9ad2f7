import { describe, expect, it } from 'vitest';
import type { CatalogInstance, StudySummary } from '../catalog/catalog';
import type { DicomJson, StudySource } from '../dicomweb/study-source';
import { createStudyImageSource, exportedStudyInfo, instanceOfMetadata } from './study-images';

const STUDY = '1.2.3.4';
const SERIES = '1.2.3.4.5';
const FOR = '1.2.3.4.9';

/** WADO-RS metadata of one CT slice, numbers as some servers send them (DS as strings). */
const slice = (n: number, z: number): DicomJson => ({
  '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
  '00080018': { vr: 'UI', Value: [`${SERIES}.${n}`] },
  '0020000E': { vr: 'UI', Value: [SERIES] },
  '00200013': { vr: 'IS', Value: [n] },
  '00200032': { vr: 'DS', Value: ['-100', '-100.5', String(z)] },
  '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
  '00200052': { vr: 'UI', Value: [FOR] },
  '00280010': { vr: 'US', Value: [512] },
  '00280011': { vr: 'US', Value: [400] },
  '00280030': { vr: 'DS', Value: ['0.7', '0.6'] },
});

function source(overrides: Partial<StudySource>): StudySource {
  const none = async () => null;
  return {
    searchStudies: async () => [],
    searchSeries: none,
    searchInstances: none,
    seriesMetadata: none,
    instanceMetadata: none,
    frames: none,
    instance: none,
    ...overrides,
  };
}

const emptyCatalog = { searchInstances: async () => null, searchStudies: async () => [] };

describe('study images', () => {
  it('reads an upstream study from its WADO-RS metadata, slices in stack order, with the patient attributes kept apart', async () => {
    const upstream = source({
      searchSeries: async () => [{ '0020000E': { vr: 'UI', Value: [SERIES] } }],
      // the server lists the slices out of order
      seriesMetadata: async () => [slice(2, 5), slice(1, 2.5), slice(3, 7.5)],
      searchStudies: async () => [{ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] }, '00100020': { vr: 'LO', Value: ['PID-1'] }, '00080020': { vr: 'DA', Value: ['20240102'] } }],
    });
    const images = await createStudyImageSource({ catalog: emptyCatalog, sourceFor: async () => upstream })(STUDY);
    expect(images?.from).toBe('dicomweb');
    expect(images?.images.map((i) => [i.sopInstanceUid, i.sliceIndex, i.rows, i.columns, i.frameOfReferenceUid])).toEqual([
      [`${SERIES}.1`, 0, 512, 400, FOR],
      [`${SERIES}.2`, 1, 512, 400, FOR],
      [`${SERIES}.3`, 2, 512, 400, FOR],
    ]);
    expect(images?.images[0]).toMatchObject({ imagePositionPatient: [-100, -100.5, 2.5], pixelSpacing: [0.7, 0.6], imageOrientationPatient: [1, 0, 0, 0, 1, 0] });
    expect(images?.study).toEqual({ studyInstanceUid: STUDY, patientName: 'Doe^Jane', patientId: 'PID-1', studyDate: '20240102' });
    expect(exportedStudyInfo(images!.study, false)).toEqual({ studyInstanceUid: STUDY });
  });

  it('prefers the catalog, taking only the Frame of Reference UID from one instance per series', async () => {
    const instance = (n: number): CatalogInstance => ({
      studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: `${SERIES}.${n}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', modality: 'CT',
      instanceNumber: n, rows: 64, columns: 64, numberOfFrames: 1, pixelSpacing: [1, 1], imagePositionPatient: [0, 0, -n], imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      sliceThickness: 1, transferSyntaxUid: '1.2.840.10008.1.2.1', file: { path: 'x', hash: 'h', size: 1 },
    });
    const asked: string[] = [];
    const local = source({
      instanceMetadata: async (_s, _se, sop) => {
        asked.push(sop);
        return slice(1, 0);
      },
      seriesMetadata: async () => {
        throw new Error('not used when the catalog holds the study');
      },
    });
    const summary = { studyInstanceUid: STUDY, patientName: 'Doe^Jane', patientId: 'P'.repeat(65) } as unknown as StudySummary;
    const catalog = { searchInstances: async () => [instance(1), instance(2)], searchStudies: async () => [summary] };
    const images = await createStudyImageSource({ catalog, sourceFor: async () => local })(STUDY);
    expect(images?.from).toBe('catalog');
    expect(asked).toEqual([`${SERIES}.1`]);
    // z = -n: instance 2 lies first along the normal
    expect(images?.images.map((i) => [i.sopInstanceUid, i.sliceIndex, i.frameOfReferenceUid])).toEqual([
      [`${SERIES}.2`, 0, FOR],
      [`${SERIES}.1`, 1, FOR],
    ]);
    // a value too long for its VR is left out rather than cut
    expect(images?.study).toEqual({ studyInstanceUid: STUDY, patientName: 'Doe^Jane' });
  });

  it('knows nothing of a study neither the catalog nor a source holds', async () => {
    expect(await createStudyImageSource({ catalog: emptyCatalog, sourceFor: async () => source({}) })(STUDY)).toBeNull();
  });

  it('leaves out an instance without rows or columns', () => {
    const { '00280010': _rows, ...noRows } = slice(1, 0);
    expect(instanceOfMetadata(STUDY, SERIES, noRows)).toBeNull();
    expect(instanceOfMetadata(STUDY, SERIES, slice(1, 0))?.instance).toMatchObject({ rows: 512, numberOfFrames: 1, instanceNumber: 1 });
  });
});
