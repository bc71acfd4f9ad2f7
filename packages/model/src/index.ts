/**
 * @readingroom/model: the study document (one Y.Doc per DICOM study) — its layout, zod schemas,
 * a typed per-user session with undo, stateless readers and invariant validation. No IO.
 */
export { SCHEMA_VERSION, ROOT, ANNOTATION_KEY, ATTRIBUTE_KEY, getRoots, imageStateKey, type StudyRoots } from './layout';
export * from './primitives';
export * from './geometry-schema';
export * from './annotation-schema';
export * from './study-state-schema';
export { type Violation, type ViolationCode, VIOLATION_CODES } from './violation';
export { StudyDocumentError, STUDY_ERROR_CODES, type StudyErrorCode } from './errors';
export {
  readAnnotation,
  readAnnotations,
  readStudyState,
  plainAnnotation,
  type ReadAnnotationsOptions,
  type StudyState,
  type PlainEntry,
} from './read';
export { validateDocument, validateAnnotation, type AnnotationRules } from './validate';
export { createSessionUndoManager } from './undo';
export { type StudyChange } from './changes';
export {
  StudyDocument,
  type StudyDocumentOptions,
  type NewBox2d,
  type NewBox3d,
  type AttributesPatch,
} from './study-document';
export { ROLES, ACTIONS, PERMISSIONS, can, canWriteDocument, type Role, type Action } from './permissions';
export { validateUpdate, type UpdateActor, type UpdateReview, type ImageRef, type ImageSize } from './validate-update';
export { roomName, parseRoomName, type StudyRoom, type RoomScope } from './room-name';
export { PresenceStateSchema, PresenceCursorSchema, PresenceViewportSchema, type PresenceState } from './presence-schema';
