import type { ImageInfoInput } from './types';

type Triple = readonly [number, number, number];
type Sextuple = readonly [number, number, number, number, number, number];

/** The attributes of an indexed instance that image information needs (`@readingroom/dicom`'s record fits). */
export interface InstanceLike {
  study: { studyInstanceUid: string };
  series: { seriesInstanceUid: string; frameOfReferenceUid: string | null };
  instance: {
    sopInstanceUid: string;
    sopClassUid: string | null;
    instanceNumber: number | null;
    rows: number;
    columns: number;
    numberOfFrames: number;
    pixelSpacing: readonly [number, number] | null;
    imagePositionPatient: Triple | null;
    imageOrientationPatient: Sextuple | null;
  };
}

/** Default image id: the SOP Instance UID, with `-f<frame number>` for frames of a multi-frame instance. */
export function defaultImageId(sopInstanceUid: string, frameIndex: number, numberOfFrames: number): string {
  return numberOfFrames > 1 ? `${sopInstanceUid}-f${frameIndex + 1}` : sopInstanceUid;
}

function positionAlongNormal(instance: InstanceLike['instance']): number {
  const p = instance.imagePositionPatient;
  const o = instance.imageOrientationPatient;
  if (p === null || o === null) return 0;
  const normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]] as const;
  return p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
}

/**
 * One image per frame of each instance, with `sliceIndex` = the position in its series' stack
 * in the viewer's order (ascending along the slice normal, then InstanceNumber; one entry per
 * frame), which is what `box3d` slice indices refer to. Instances without a SOP Class UID are
 * left out. `imageId` defaults to {@link defaultImageId}.
 */
export function imageInfoFromInstances(
  instances: readonly InstanceLike[],
  imageId: (sopInstanceUid: string, frameIndex: number, numberOfFrames: number) => string = defaultImageId,
): ImageInfoInput[] {
  const bySeries = new Map<string, InstanceLike[]>();
  for (const record of instances) {
    if (record.instance.sopClassUid === null) continue;
    const key = record.series.seriesInstanceUid;
    bySeries.set(key, [...(bySeries.get(key) ?? []), record]);
  }
  const images: ImageInfoInput[] = [];
  for (const records of bySeries.values()) {
    const ordered = records
      .map((record) => ({ record, position: positionAlongNormal(record.instance), number: record.instance.instanceNumber ?? 0 }))
      .sort((a, b) => a.position - b.position || a.number - b.number);
    let sliceIndex = 0;
    for (const { record } of ordered) {
      const { instance } = record;
      for (let frame = 0; frame < instance.numberOfFrames; frame++) {
        images.push({
          imageId: imageId(instance.sopInstanceUid, frame, instance.numberOfFrames),
          studyInstanceUid: record.study.studyInstanceUid,
          seriesInstanceUid: record.series.seriesInstanceUid,
          sopInstanceUid: instance.sopInstanceUid,
          frameIndex: frame,
          numberOfFrames: instance.numberOfFrames,
          sopClassUid: instance.sopClassUid ?? '',
          rows: instance.rows,
          columns: instance.columns,
          sliceIndex: sliceIndex++,
          imagePositionPatient: instance.imagePositionPatient && [...instance.imagePositionPatient],
          imageOrientationPatient: instance.imageOrientationPatient && [...instance.imageOrientationPatient],
          pixelSpacing: instance.pixelSpacing && [...instance.pixelSpacing],
          frameOfReferenceUid: record.series.frameOfReferenceUid,
        });
      }
    }
  }
  return images;
}
