import type { ImageInfo } from '../types';
import type { Code } from './sr-codes';

/** One SR content item in dcmjs' naturalized form (keywords as keys, sequences as arrays). */
export type Item = Record<string, unknown>;

export type Relationship = 'CONTAINS' | 'HAS OBS CONTEXT' | 'HAS CONCEPT MOD' | 'HAS PROPERTIES' | 'INFERRED FROM' | 'SELECTED FROM';

const withChildren = (item: Item, children: readonly Item[] | undefined): Item =>
  children && children.length > 0 ? { ...item, ContentSequence: [...children] } : item;

export function container(relationship: Relationship | null, name: Code, children: readonly Item[], templateId?: string): Item {
  return withChildren(
    {
      ...(relationship !== null ? { RelationshipType: relationship } : {}),
      ValueType: 'CONTAINER',
      ConceptNameCodeSequence: [name],
      ContinuityOfContent: 'SEPARATE',
      ...(templateId !== undefined ? { ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: templateId }] } : {}),
    },
    children,
  );
}

export function codeItem(relationship: Relationship, name: Code, value: Code, children?: readonly Item[]): Item {
  return withChildren({ RelationshipType: relationship, ValueType: 'CODE', ConceptNameCodeSequence: [name], ConceptCodeSequence: [value] }, children);
}

export function textItem(relationship: Relationship, name: Code, text: string): Item {
  return { RelationshipType: relationship, ValueType: 'TEXT', ConceptNameCodeSequence: [name], TextValue: text };
}

export function pnameItem(relationship: Relationship, name: Code, person: string): Item {
  return { RelationshipType: relationship, ValueType: 'PNAME', ConceptNameCodeSequence: [name], PersonName: person };
}

export function uidrefItem(relationship: Relationship, name: Code, uid: string): Item {
  return { RelationshipType: relationship, ValueType: 'UIDREF', ConceptNameCodeSequence: [name], UID: uid };
}

/** A reference to one image; `frameNumber` (1-based) only for multi-frame instances. */
export interface ImageRef {
  sopClassUid: string;
  sopInstanceUid: string;
  frameNumber: number | null;
}

/** The reference to an image; the frame number only when its instance has several frames. */
export function imageRef(image: ImageInfo): ImageRef {
  return { sopClassUid: image.sopClassUid, sopInstanceUid: image.sopInstanceUid, frameNumber: image.numberOfFrames > 1 ? image.frameIndex + 1 : null };
}

export function referencedSop(ref: ImageRef): Item {
  return {
    ReferencedSOPClassUID: ref.sopClassUid,
    ReferencedSOPInstanceUID: ref.sopInstanceUid,
    ...(ref.frameNumber !== null ? { ReferencedFrameNumber: [ref.frameNumber] } : {}),
  };
}

export function imageItem(relationship: Relationship, name: Code | null, ref: ImageRef): Item {
  return {
    RelationshipType: relationship,
    ValueType: 'IMAGE',
    ...(name !== null ? { ConceptNameCodeSequence: [name] } : {}),
    ReferencedSOPSequence: [referencedSop(ref)],
  };
}

/** SCOORD: image coordinates (column, row pairs), origin at the top-left corner of the image. */
export function scoordItem(relationship: Relationship, name: Code, graphicType: 'POLYLINE', data: readonly number[], source: ImageRef, sourceName: Code): Item {
  return {
    RelationshipType: relationship,
    ValueType: 'SCOORD',
    ConceptNameCodeSequence: [name],
    GraphicType: graphicType,
    GraphicData: [...data],
    ContentSequence: [imageItem('SELECTED FROM', sourceName, source)],
  };
}

/** SCOORD3D: patient coordinates (x, y, z triplets, mm) in a frame of reference. */
export function scoord3dItem(relationship: Relationship, name: Code, graphicType: 'POLYGON', data: readonly number[], frameOfReferenceUid: string): Item {
  return {
    RelationshipType: relationship,
    ValueType: 'SCOORD3D',
    ConceptNameCodeSequence: [name],
    GraphicType: graphicType,
    GraphicData: [...data],
    ReferencedFrameOfReferenceUID: frameOfReferenceUid,
  };
}
