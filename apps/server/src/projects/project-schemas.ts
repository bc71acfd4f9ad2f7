import { z } from 'zod';

/** Roles a user can hold in one project. The permission matrix per role comes in a later issue. */
export const PROJECT_ROLES = ['admin', 'adjudicator', 'reader', 'reviewer', 'observer', 'trainee'] as const;
export const ProjectRoleSchema = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ProjectRoleSchema>;

export const ProjectNameSchema = z.string().trim().min(1).max(100);
export const ProjectDescriptionSchema = z.string().max(2000);

export const LocalSourceSchema = z.strictObject({ type: z.literal('local') });
export const DicomwebSourceSchema = z.strictObject({
  type: z.literal('dicomweb'),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  username: z.string().min(1).max(256).optional(),
  /** Stored for the server's own upstream requests; never returned by the API. */
  password: z.string().min(1).max(1024).optional(),
});
/** Where a project's images come from, as stored (with the upstream password, if any). */
export const ProjectSourceSchema = z.discriminatedUnion('type', [LocalSourceSchema, DicomwebSourceSchema]);
export type ProjectSource = z.infer<typeof ProjectSourceSchema>;

export const ProjectSettingsSchema = z.strictObject({
  forceDeidentify: z.boolean(),
  source: ProjectSourceSchema,
});
export type ProjectSettings = z.infer<typeof ProjectSettingsSchema>;

export const DEFAULT_SETTINGS: ProjectSettings = { forceDeidentify: false, source: { type: 'local' } };

/** One attribute a label class asks the reader for (e.g. `malignancy: enum [benign, malignant]`). */
export const LabelAttributeSchema = z
  .strictObject({
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a letter, then letters, digits or "_" (max 64)'),
    type: z.enum(['enum', 'number', 'text', 'boolean']),
    options: z.array(z.string().min(1).max(100)).min(1).max(100).optional(),
    required: z.boolean().optional(),
  })
  .refine((a) => (a.type === 'enum') === (a.options !== undefined), {
    message: 'options are required for enum attributes and only for them',
    path: ['options'],
  });
export type LabelAttribute = z.infer<typeof LabelAttributeSchema>;

export const LABEL_KINDS = ['box2d', 'box3d', 'finding'] as const;

export const LabelNameSchema = z.string().trim().min(1).max(256);
export const ColourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected #rrggbb');
/** One character (one code point), or null for none. */
export const HotkeySchema = z
  .string()
  .refine((s) => [...s].length === 1 && s.trim() === s, 'expected a single non-space character')
  .nullable();
export const LabelAttributesSchema = z
  .array(LabelAttributeSchema)
  .max(50)
  .refine((list) => new Set(list.map((a) => a.key)).size === list.length, 'attribute keys must be unique');

/** A label class of a project's taxonomy. */
export interface LabelClass {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly colour: string;
  readonly hotkey: string | null;
  readonly kind: (typeof LABEL_KINDS)[number];
  readonly attributes: readonly LabelAttribute[];
  readonly order: number;
}
