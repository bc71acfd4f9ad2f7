import { z } from 'zod';

const text = z.string().nullable();
const num = z.number().finite().nullable();
const triple = z.tuple([z.number(), z.number(), z.number()]);

/**
 * What the indexer stores about one DICOM instance. Optional attributes are `null` when absent
 * or empty, so records are stable JSON. Strings are trimmed as DICOM padding is insignificant.
 */
export const InstanceRecordSchema = z.object({
  patient: z.object({
    patientId: text,
    patientName: text,
    birthDate: text,
    sex: text,
  }),
  study: z.object({
    studyInstanceUid: z.string().min(1),
    studyDate: text,
    studyTime: text,
    accessionNumber: text,
    studyDescription: text,
    studyId: text,
  }),
  series: z.object({
    seriesInstanceUid: z.string().min(1),
    modality: text,
    seriesNumber: num,
    seriesDescription: text,
    bodyPart: text,
    frameOfReferenceUid: text,
  }),
  instance: z.object({
    sopInstanceUid: z.string().min(1),
    sopClassUid: text,
    instanceNumber: num,
    rows: z.number().int().nonnegative(),
    columns: z.number().int().nonnegative(),
    numberOfFrames: z.number().int().positive(),
    /** Row spacing then column spacing, in mm (PS3.3 10.7.1.3). */
    pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
    imagePositionPatient: triple.nullable(),
    imageOrientationPatient: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).nullable(),
    sliceThickness: num,
    sliceLocation: num,
    bitsAllocated: z.number().int().positive(),
    bitsStored: num,
    pixelRepresentation: num,
    photometricInterpretation: text,
    samplesPerPixel: z.number().int().positive(),
    rescaleSlope: num,
    rescaleIntercept: num,
    windowCenter: num,
    windowWidth: num,
    transferSyntaxUid: z.string().min(1),
  }),
});

/** One indexed instance; see {@link InstanceRecordSchema}. */
export type InstanceRecord = z.infer<typeof InstanceRecordSchema>;
