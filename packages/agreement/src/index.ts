/**
 * @readingroom/agreement: inter-reader agreement for bounding boxes, no IO: IoU (2D/3D), optimal
 * matching (Hungarian), clustering across readers, detection F1, Cohen's and Fleiss' kappa,
 * weighted box fusion and majority vote, a live incremental adjudication engine and a report.
 */
export { type Region, type Region2d, type Region3d, type AgreementBox, type SourceRef, sourceKey, compareBoxes } from './types';
export { iou, groupKey, imageGroupKey, seriesGroupKey } from './iou';
export { linearSumAssignment, type Assignment, type AssignmentOptions } from './hungarian';
export {
  matchBoxes,
  maxWeightPairs,
  groupBoxes,
  DEFAULT_IOU_THRESHOLD,
  type MatchOptions,
  type MatchedPair,
  type MatchResult,
} from './matching';
export { clusterBoxes, clusterGroup, meanPairwiseIoU, type Cluster, type ClusterOptions } from './clusters';
export {
  weightedBoxFusion,
  majorityVote,
  majorityLabel,
  weightedMeanRegion,
  centralRegion,
  median,
  type FusedBox,
  type MajorityVoteOptions,
} from './fusion';
export { detectionScores, scoresFromPairs, type DetectionOptions, type DetectionScores } from './detection-scores';
export { cohenKappa, fleissKappa, type Category } from './kappa';
export { classPresence, presenceCountTable, presenceKappa, type ClassPresence, type PresenceOptions } from './presence';
export {
  adjudicate,
  adjudicateGroup,
  resolvedKeys,
  defaultQuorum,
  compareDisagreements,
  DISAGREEMENT_KINDS,
  type AdjudicationOptions,
  type AdjudicationContext,
  type AdjudicationInput,
  type ClusterProposal,
  type Disagreement,
  type DisagreementKind,
  type DisagreementQuery,
  type GroupAdjudication,
} from './adjudicate';
export { LiveAdjudication, type LiveAdjudicationOptions } from './live-adjudication';
export { annotationToBox, annotationsToBoxes, regionOf, type AnnotationLike, type AnnotationToBoxOptions } from './annotations';
export {
  studyAgreement,
  type StudyAgreementInput,
  type StudyAgreementOptions,
  type AgreementReport,
  type ClassAgreement,
  type PairAgreement,
  type ReaderStats,
} from './report';
export { projectAgreement } from './project-report';
export { agreementReportToCsv, REPORT_CSV_HEADER } from './report-csv';
