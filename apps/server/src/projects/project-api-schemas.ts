import { z } from 'zod';
import { DicomUidSchema } from '@readingroom/model';
import {
  ColourSchema,
  DicomwebSourceSchema,
  HotkeySchema,
  LABEL_KINDS,
  LabelAttributesSchema,
  LabelNameSchema,
  LocalSourceSchema,
  ProjectDescriptionSchema,
  ProjectNameSchema,
  ProjectRoleSchema,
  ProjectSourceSchema,
} from './project-schemas';
import { usernameSchema } from '../users/user-store';

// Request and response shapes of the /api/projects routes. Routes parse with these and the
// OpenAPI document is generated from them, so the two cannot disagree.

export const ProjectParams = z.object({ id: z.uuid() });
export const MemberParams = z.object({ id: z.uuid(), userId: z.string().min(1).max(256) });
export const LabelParams = z.object({ id: z.uuid(), labelId: z.uuid() });
export const StudyParams = z.object({ id: z.uuid(), studyUid: DicomUidSchema });

export const CreateProjectBody = z.strictObject({
  name: ProjectNameSchema,
  description: ProjectDescriptionSchema.default(''),
  settings: z
    .strictObject({ forceDeidentify: z.boolean().default(false), source: ProjectSourceSchema.default({ type: 'local' }) })
    .default({ forceDeidentify: false, source: { type: 'local' } }),
});

/**
 * A new DICOMweb source in a PATCH. Omitted `username` / `password` keep the stored ones only
 * while the URL stays the same (so credentials never follow a changed URL); `null` removes them.
 */
export const DicomwebSourcePatch = DicomwebSourceSchema.extend({
  username: DicomwebSourceSchema.shape.username.unwrap().nullable().optional(),
  password: DicomwebSourceSchema.shape.password.unwrap().nullable().optional(),
});
export type DicomwebSourcePatch = z.infer<typeof DicomwebSourcePatch>;

export const PatchProjectBody = z.strictObject({
  name: ProjectNameSchema.optional(),
  description: ProjectDescriptionSchema.optional(),
  settings: z
    .strictObject({
      forceDeidentify: z.boolean().optional(),
      source: z.discriminatedUnion('type', [LocalSourceSchema, DicomwebSourcePatch]).optional(),
    })
    .optional(),
});
export type PatchProjectBody = z.infer<typeof PatchProjectBody>;

export const PutMemberBody = z.strictObject({ role: ProjectRoleSchema });
export const PostMemberBody = z.strictObject({ username: usernameSchema, role: ProjectRoleSchema });

const labelFields = {
  name: LabelNameSchema,
  colour: ColourSchema,
  hotkey: HotkeySchema,
  kind: z.enum(LABEL_KINDS),
  attributes: LabelAttributesSchema,
  order: z.number().int().min(-1_000_000).max(1_000_000),
};
export const CreateLabelBody = z.strictObject({
  ...labelFields,
  hotkey: labelFields.hotkey.default(null),
  kind: labelFields.kind.default('box2d'),
  attributes: labelFields.attributes.default([]),
  order: labelFields.order.optional(),
});
export const PatchLabelBody = z.strictObject(labelFields).partial();

export const AddStudiesBody = z.strictObject({ studyInstanceUids: z.array(DicomUidSchema).min(1).max(1000) });

// Responses.

export const ProjectSourceView = z.discriminatedUnion('type', [
  LocalSourceSchema,
  z.object({ type: z.literal('dicomweb'), url: z.string(), username: z.string().optional(), hasPassword: z.boolean() }),
]);
export const ProjectView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  settings: z.object({ forceDeidentify: z.boolean(), source: ProjectSourceView }),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  /** The caller's role in the project; null for a global admin who is not a member. */
  role: ProjectRoleSchema.nullable(),
});
export type ProjectView = z.infer<typeof ProjectView>;
export const ProjectListView = z.object({ projects: z.array(ProjectView) });

export const MemberView = z.object({ userId: z.string(), username: z.string().nullable(), role: ProjectRoleSchema });
export const MemberListView = z.object({ members: z.array(MemberView) });

export const LabelView = z.object({
  id: z.string(),
  name: z.string(),
  colour: z.string(),
  hotkey: z.string().nullable(),
  kind: z.enum(LABEL_KINDS),
  attributes: LabelAttributesSchema,
  order: z.number().int(),
});
export const LabelListView = z.object({ labels: z.array(LabelView) });

export const StudyView = z.object({ studyInstanceUid: z.string(), addedAt: z.iso.datetime(), addedBy: z.string() });
export const StudyListView = z.object({ studies: z.array(StudyView) });
export const AddStudiesView = z.object({ added: z.number().int() });

export const UserSummaryView = z.object({ id: z.string(), username: z.string(), isAdmin: z.boolean() });
export const UserListView = z.object({ users: z.array(UserSummaryView) });
