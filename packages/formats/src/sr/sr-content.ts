import { z } from 'zod';
import { sameCode, type Code } from './sr-codes';

/** dcmjs naturalizes a one-item sequence or a one-value element to a single value; this undoes it. */
const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? [...value] : [value]);
const list = <T extends z.ZodType>(item: T) => z.preprocess(asList, z.array(item));

const CodeSchema = z.looseObject({ CodeValue: z.string(), CodingSchemeDesignator: z.string(), CodeMeaning: z.string().optional() });
const numberLike = z.union([z.number(), z.string().trim().regex(/^[+-]?\d+$/).transform(Number)]);

const ReferencedSopSchema = z.looseObject({
  ReferencedSOPClassUID: z.string(),
  ReferencedSOPInstanceUID: z.string(),
  ReferencedFrameNumber: list(numberLike).optional(),
});

/** One SR content item as read back by dcmjs (only what this package looks at). */
export interface ContentItem {
  RelationshipType?: string | undefined;
  ValueType: string;
  ConceptNameCodeSequence?: z.infer<typeof CodeSchema>[] | undefined;
  ConceptCodeSequence?: z.infer<typeof CodeSchema>[] | undefined;
  ContentTemplateSequence?: { TemplateIdentifier?: string | undefined }[] | undefined;
  TextValue?: string | undefined;
  UID?: string | undefined;
  GraphicType?: string | undefined;
  GraphicData?: number[] | undefined;
  ReferencedFrameOfReferenceUID?: string | undefined;
  ReferencedSOPSequence?: z.infer<typeof ReferencedSopSchema>[] | undefined;
  ContentSequence?: ContentItem[] | undefined;
}

export const ContentItemSchema: z.ZodType<ContentItem> = z.lazy(() =>
  z.looseObject({
    RelationshipType: z.string().optional(),
    ValueType: z.string(),
    ConceptNameCodeSequence: list(CodeSchema).optional(),
    ConceptCodeSequence: list(CodeSchema).optional(),
    ContentTemplateSequence: list(z.looseObject({ TemplateIdentifier: z.string().optional() })).optional(),
    // dcmjs splits text on backslashes when reading (UT is single-valued): put them back.
    TextValue: z.preprocess((v) => (Array.isArray(v) ? v.map((part) => part ?? '').join('\\') : v), z.string()).optional(),
    UID: z.string().optional(),
    GraphicType: z.string().optional(),
    GraphicData: list(z.number()).optional(),
    ReferencedFrameOfReferenceUID: z.string().optional(),
    ReferencedSOPSequence: list(ReferencedSopSchema).optional(),
    ContentSequence: list(ContentItemSchema).optional(),
  }),
);

/** The root of an SR document: its header and content tree. */
export const SrDocumentSchema = z.looseObject({
  SOPClassUID: z.string(),
  StudyInstanceUID: z.string(),
  ValueType: z.literal('CONTAINER'),
  ConceptNameCodeSequence: list(CodeSchema),
  ContentSequence: list(ContentItemSchema).optional(),
});
export type SrDocument = z.infer<typeof SrDocumentSchema>;

export const conceptOf = (item: ContentItem) => item.ConceptNameCodeSequence?.[0];
export const valueCodeOf = (item: ContentItem) => item.ConceptCodeSequence?.[0];

/** Direct children of an item (or of the document root) with the given concept name. */
export function childrenNamed(parent: { ContentSequence?: ContentItem[] | undefined }, name: Code): ContentItem[] {
  return (parent.ContentSequence ?? []).filter((item) => sameCode(conceptOf(item), name));
}

export function firstText(parent: { ContentSequence?: ContentItem[] | undefined }, name: Code): string | undefined {
  return childrenNamed(parent, name).find((item) => item.ValueType === 'TEXT')?.TextValue;
}

export function templateOf(item: ContentItem): string | undefined {
  return item.ContentTemplateSequence?.[0]?.TemplateIdentifier;
}
