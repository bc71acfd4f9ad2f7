/**
 * The one place that imports dicom-parser. The package ships a UMD bundle whose named exports
 * Node's CommonJS interop cannot see, so we take the default export and re-export the pieces
 * we use with their declared types.
 */
import dicomParserDefault from 'dicom-parser';
import type * as DicomParserTypes from 'dicom-parser';

export type DataSet = DicomParserTypes.DataSet;
export type Element = DicomParserTypes.Element;
export type Fragment = DicomParserTypes.Fragment;
export type ParseDicomOptions = DicomParserTypes.ParseDicomOptions;

export const dicomParser = dicomParserDefault as unknown as typeof DicomParserTypes;
