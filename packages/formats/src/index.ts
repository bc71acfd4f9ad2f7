/**
 * @readingroom/formats: export and import of Reading Room labels as COCO JSON, YOLO, VinDr-CXR
 * layout CSV and DICOM SR (TID 1500, written and read with dcmjs). No IO: functions take data
 * and return strings, bytes and objects.
 */
export { exportLabels } from './export-labels';
export { importLabels } from './import-labels';
export {
  CONSENSUS_READER_ID,
  ExportInputSchema,
  FORMATS,
  FormatInputError,
  ImageInfoSchema,
  ImportContextSchema,
  ReaderSchema,
  SKIP_REASONS,
  StudyInfoSchema,
  type ExportInput,
  type ExportResult,
  type FormatName,
  type ImageInfo,
  type ImageInfoInput,
  type ImportContext,
  type ImportResult,
  type LabelFile,
  type Reader,
  type Skipped,
  type SkipReason,
  type StudyInfo,
  type Warning,
} from './types';
export { defaultImageId, imageInfoFromInstances, type InstanceLike } from './image-info';
export { CocoDatasetSchema, CocoAnnotationSchema, CocoImageSchema, CocoCategorySchema, Coco3dBoxSchema, type CocoDataset } from './coco/coco-schema';
export { COCO_FILE } from './coco/coco-export';
export { YOLO_CLASSES_FILE, YOLO_EXCLUDED_FILE, YOLO_IMAGES_FILE, yoloLabelPath } from './yolo/yolo-export';
export { YOLO_MAX_DIGITS, YOLO_MIN_DIGITS } from './yolo/yolo-numbers';
export { NO_FINDING, VINDR_FILE, VINDR_HEADER } from './vindr/vindr-export';
export { srPath } from './sr/sr-export';
export { RR_SCHEME, labelCodeValue } from './sr/sr-codes';
export { safeFileStem, imageIdOfStem } from './file-names';
export { deterministicUid } from './uid';
