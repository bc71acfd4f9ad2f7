import type { InstanceRecord } from '@readingroom/dicom';
import { describe, expect, it } from 'vitest';
import type { Catalog, StoredFile } from './catalog';

/** A complete record; `uids` picks study, series and SOP instance UIDs. */
export function recordFixture(uids: { study: string; series: string; sop: string }, extra: { patientId?: string; modality?: string; studyDate?: string; instanceNumber?: number } = {}): InstanceRecord {
  return {
    patient: { patientId: extra.patientId ?? 'P1', patientName: 'Doe^Jane', birthDate: null, sex: 'F' },
    study: { studyInstanceUid: uids.study, studyDate: extra.studyDate ?? '20240102', studyTime: null, accessionNumber: 'A1', studyDescription: 'Chest', studyId: '1' },
    series: { seriesInstanceUid: uids.series, modality: extra.modality ?? 'CT', seriesNumber: 2, seriesDescription: 'Axial', bodyPart: null, frameOfReferenceUid: null },
    instance: {
      sopInstanceUid: uids.sop, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', instanceNumber: extra.instanceNumber ?? 1, rows: 4, columns: 5,
      numberOfFrames: 1, pixelSpacing: [0.5, 0.6], imagePositionPatient: [1, 2, 3], imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      sliceThickness: 1.25, sliceLocation: null, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0,
      photometricInterpretation: 'MONOCHROME2', samplesPerPixel: 1, rescaleSlope: null, rescaleIntercept: null,
      windowCenter: null, windowWidth: null, transferSyntaxUid: '1.2.840.10008.1.2.1',
    },
  };
}

const fileFor = (sop: string): StoredFile => ({ path: `dicom/aa/${sop}.dcm`, hash: `hash-${sop}`, size: 10 });

/** The behaviour every Catalog implementation must have. `open` gives a fresh, empty catalog. */
export function runCatalogTests(name: string, open: () => Promise<Catalog> | Catalog) {
  describe(`${name} catalog`, () => {
    it('indexes an instance and reports new study and series only the first time', async () => {
      const catalog = await open();
      expect(await catalog.addInstance(recordFixture({ study: '1.1', series: '1.1.1', sop: '1.1.1.1' }), fileFor('a'))).toEqual({ status: 'added', newStudy: true, newSeries: true });
      expect(await catalog.addInstance(recordFixture({ study: '1.1', series: '1.1.1', sop: '1.1.1.2' }), fileFor('b'))).toEqual({ status: 'added', newStudy: false, newSeries: false });
      expect(await catalog.counts()).toEqual({ studies: 1, series: 1, instances: 2 });
      await catalog.close();
    });

    it('treats the same SOP Instance UID or the same file hash as already present', async () => {
      const catalog = await open();
      await catalog.addInstance(recordFixture({ study: '1.1', series: '1.1.1', sop: '1.1.1.1' }), fileFor('a'));
      expect(await catalog.addInstance(recordFixture({ study: '1.1', series: '1.1.1', sop: '1.1.1.1' }), fileFor('other'))).toEqual({ status: 'already-present' });
      expect(await catalog.addInstance(recordFixture({ study: '1.1', series: '1.1.1', sop: '1.1.1.9' }), fileFor('a'))).toEqual({ status: 'already-present' });
      expect(await catalog.isPresent({ hash: 'hash-a' })).toBe(true);
      expect(await catalog.isPresent({ sopInstanceUid: '1.1.1.1' })).toBe(true);
      expect(await catalog.isPresent({ hash: 'nope', sopInstanceUid: 'nope' })).toBe(false);
      expect(await catalog.counts()).toEqual({ studies: 1, series: 1, instances: 1 });
      await catalog.close();
    });

    it('lists studies with derived counts and modalities, filtered by access, date, patient and modality', async () => {
      const catalog = await open();
      await catalog.addInstance(recordFixture({ study: '1', series: '1.1', sop: '1.1.1' }), fileFor('a'));
      await catalog.addInstance(recordFixture({ study: '1', series: '1.2', sop: '1.2.1' }, { modality: 'SEG' }), fileFor('b'));
      await catalog.addInstance(recordFixture({ study: '2', series: '2.1', sop: '2.1.1' }, { patientId: 'P2', modality: 'MR', studyDate: '20230101' }), fileFor('c'));
      const [first] = await catalog.searchStudies({ studyInstanceUids: ['1'] });
      expect(first).toMatchObject({ studyInstanceUid: '1', modalities: ['CT', 'SEG'], seriesCount: 2, instanceCount: 2, patientId: 'P1' });
      expect((await catalog.searchStudies({})).map((s) => s.studyInstanceUid)).toEqual(['1', '2']);
      expect((await catalog.searchStudies({ within: ['2'] })).map((s) => s.studyInstanceUid)).toEqual(['2']);
      expect(await catalog.searchStudies({ within: [] })).toEqual([]);
      expect((await catalog.searchStudies({ patientId: 'P2' })).map((s) => s.studyInstanceUid)).toEqual(['2']);
      expect((await catalog.searchStudies({ modality: 'SEG' })).map((s) => s.studyInstanceUid)).toEqual(['1']);
      expect((await catalog.searchStudies({ studyDateFrom: '20230101', studyDateTo: '20230101' })).map((s) => s.studyInstanceUid)).toEqual(['2']);
      expect((await catalog.searchStudies({ limit: 1, offset: 1 })).map((s) => s.studyInstanceUid)).toEqual(['2']);
      await catalog.close();
    });

    it('lists series and instances of a study, and answers null for unknown ones', async () => {
      const catalog = await open();
      await catalog.addInstance(recordFixture({ study: '1', series: '1.1', sop: '1.1.2' }, { instanceNumber: 2 }), fileFor('a'));
      await catalog.addInstance(recordFixture({ study: '1', series: '1.1', sop: '1.1.1' }, { instanceNumber: 1 }), fileFor('b'));
      expect((await catalog.searchSeries('1', {}))?.[0]).toMatchObject({ seriesInstanceUid: '1.1', instanceCount: 2, modality: 'CT' });
      expect(await catalog.searchSeries('9', {})).toBeNull();
      const instances = await catalog.searchInstances('1', '1.1', {});
      expect(instances?.map((i) => i.sopInstanceUid)).toEqual(['1.1.1', '1.1.2']);
      expect(instances?.[0]).toMatchObject({ pixelSpacing: [0.5, 0.6], imagePositionPatient: [1, 2, 3], rows: 4, columns: 5, file: { hash: 'hash-b' } });
      expect(await catalog.searchInstances('1', null, { sopInstanceUids: ['1.1.2'] })).toHaveLength(1);
      expect(await catalog.searchInstances('1', '9.9', {})).toBeNull();
      expect(await catalog.getInstance('1', '1.1', '1.1.2')).toMatchObject({ instanceNumber: 2 });
      expect(await catalog.getInstance('2', '1.1', '1.1.2')).toBeNull();
      await catalog.close();
    });
  });
}
