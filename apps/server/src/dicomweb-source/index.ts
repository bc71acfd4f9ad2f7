export { createUpstreamStudySource, type UpstreamStudySource, type UpstreamStudySourceOptions } from './upstream-study-source';
export type { UpstreamStudySummary } from './list-upstream-studies';
export { StudySourceError, SourceErrorCode, statusForSourceError } from './source-error';
export { parseMultipartRelated, boundaryFromContentType, MultipartError, type MultipartPart } from './multipart-related';
