/**
 * The DICOM attributes the generators write: keyword → tag and VR (PS3.6). Only what is used;
 * keeping the dictionary here lets generator code read like a dataset listing.
 */
export const ATTRIBUTES = {
  FileMetaInformationGroupLength: [0x00020000, 'UL'],
  FileMetaInformationVersion: [0x00020001, 'OB'],
  MediaStorageSOPClassUID: [0x00020002, 'UI'],
  MediaStorageSOPInstanceUID: [0x00020003, 'UI'],
  TransferSyntaxUID: [0x00020010, 'UI'],
  ImplementationClassUID: [0x00020012, 'UI'],
  ImplementationVersionName: [0x00020013, 'SH'],

  SpecificCharacterSet: [0x00080005, 'CS'],
  ImageType: [0x00080008, 'CS'],
  SOPClassUID: [0x00080016, 'UI'],
  SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'],
  SeriesDate: [0x00080021, 'DA'],
  ContentDate: [0x00080023, 'DA'],
  StudyTime: [0x00080030, 'TM'],
  SeriesTime: [0x00080031, 'TM'],
  ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  Modality: [0x00080060, 'CS'],
  ConversionType: [0x00080064, 'CS'],
  PresentationIntentType: [0x00080068, 'CS'],
  Manufacturer: [0x00080070, 'LO'],
  InstitutionName: [0x00080080, 'LO'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'],
  ManufacturerModelName: [0x00081090, 'LO'],

  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'],
  PatientIdentityRemoved: [0x00120062, 'CS'],

  BodyPartExamined: [0x00180015, 'CS'],
  SliceThickness: [0x00180050, 'DS'],
  KVP: [0x00180060, 'DS'],
  SpacingBetweenSlices: [0x00180088, 'DS'],
  FrameTime: [0x00181063, 'DS'],
  RecommendedDisplayFrameRate: [0x00082144, 'IS'],
  CineRate: [0x00180040, 'IS'],
  ImagerPixelSpacing: [0x00181164, 'DS'],
  ConvolutionKernel: [0x00181210, 'SH'],
  PatientPosition: [0x00185100, 'CS'],
  ViewPosition: [0x00185101, 'CS'],
  DetectorType: [0x00187004, 'CS'],

  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'],
  AcquisitionNumber: [0x00200012, 'IS'],
  InstanceNumber: [0x00200013, 'IS'],
  PatientOrientation: [0x00200020, 'CS'],
  ImagePositionPatient: [0x00200032, 'DS'],
  ImageOrientationPatient: [0x00200037, 'DS'],
  FrameOfReferenceUID: [0x00200052, 'UI'],
  ImageLaterality: [0x00200062, 'CS'],
  PositionReferenceIndicator: [0x00201040, 'LO'],
  SliceLocation: [0x00201041, 'DS'],
  ImageComments: [0x00204000, 'LT'],

  SamplesPerPixel: [0x00280002, 'US'],
  PhotometricInterpretation: [0x00280004, 'CS'],
  NumberOfFrames: [0x00280008, 'IS'],
  FrameIncrementPointer: [0x00280009, 'AT'],
  Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'],
  PixelSpacing: [0x00280030, 'DS'],
  PixelSpacingCalibrationType: [0x00280a02, 'CS'],
  PixelSpacingCalibrationDescription: [0x00280a04, 'LO'],
  BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'],
  HighBit: [0x00280102, 'US'],
  PixelRepresentation: [0x00280103, 'US'],
  BurnedInAnnotation: [0x00280301, 'CS'],
  PixelIntensityRelationship: [0x00281040, 'CS'],
  PixelIntensityRelationshipSign: [0x00281041, 'SS'],
  WindowCenter: [0x00281050, 'DS'],
  WindowWidth: [0x00281051, 'DS'],
  RescaleIntercept: [0x00281052, 'DS'],
  RescaleSlope: [0x00281053, 'DS'],
  RescaleType: [0x00281054, 'LO'],
  WindowCenterWidthExplanation: [0x00281055, 'LO'],
  LossyImageCompression: [0x00282110, 'CS'],
  PresentationLUTShape: [0x20500020, 'CS'],

  PixelData: [0x7fe00010, 'OW'],
} as const satisfies Record<string, readonly [number, string]>;

export type AttributeKeyword = keyof typeof ATTRIBUTES;

/**
 * A dataset to write: keyword → value. Strings (a `\`-joined string or an array) for text VRs,
 * numbers for DS/IS/US/SS/UL, a tag number for AT, bytes for OB/OW. `''` writes an empty
 * (type 2) attribute.
 */
export type Dataset = Partial<Record<AttributeKeyword, AttributeValue>>;

export type AttributeValue = string | number | readonly (string | number)[] | Uint8Array;
