/**
 * @readingroom/model: the study document (one Y.Doc per DICOM study) — its layout, zod schemas,
 * a typed per-user session with undo, stateless readers and invariant validation. No IO.
 */
export { SCHEMA_VERSION, ROOT, ANNOTATION_KEY, ATTRIBUTE_KEY, getRoots, imageStateKey, type StudyRoots } from './layout';
export * from './primitives';
export * from './geometry-schema';
export * from './annotation-schema';
export * from './study-state-schema';
export * from './consensus-schema';
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
  type Proposal,
  type Provenance,
} from './study-document';
export { ROLES, ACTIONS, PERMISSIONS, can, canWriteDocument, type Role, type Action } from './permissions';
export { validateUpdate, type UpdateActor, type UpdateReview, type ImageRef, type ImageSize, type DocumentAfter, type UpdateChanges } from './validate-update';
export { AnnotationCheckMemo } from './annotation-check-memo';
export { roomName, parseRoomName, type StudyRoom, type RoomScope } from './room-name';
export { PresenceStateSchema, PresenceCursorSchema, PresenceViewportSchema, type PresenceState } from './presence-schema';
export {
  READING_PHASES,
  ReadingPhaseSchema,
  ReadingSessionSchema,
  MAX_ASSIGNED,
  defaultReadingSession,
  STUDY_STATUSES,
  studyStatus,
  hasSubmitted,
  SESSION_RULE_CODES,
  READER_ROLES,
  ADJUDICATOR_ROLES,
  mayManageSession,
  setSessionPhase,
  setSessionFlags,
  submitRule,
  submitRead,
  assignSession,
  pickLeastLoaded,
  balanceReaders,
  readerLoad,
  type ReadingPhase,
  type ReadingSession,
  type StudyStatus,
  type SessionActor,
  type SessionRuleCode,
  type SessionRuleResult,
} from './reading-session';
export {
  seatOf,
  decideReadingRoom,
  sessionRoomScope,
  READING_ROOM_REFUSALS,
  READ_ONLY_CAUSES,
  type ReadingRoomSession,
  type ReadingSeat,
  type ReadingRoomRefusal,
  type ReadOnlyCause,
  type ReadingRoomDecision,
} from './reading-rooms';
