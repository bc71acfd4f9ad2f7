/** Transfer syntaxes this package distinguishes (PS3.5 A, PS3.6 A). */
export const TransferSyntax = {
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVrLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVrBigEndian: '1.2.840.10008.1.2.2',
  RleLossless: '1.2.840.10008.1.2.5',
} as const;

/** Uncompressed syntaxes: the pixel data element holds native frames back to back. */
export function isNativeTransferSyntax(uid: string): boolean {
  return (
    uid === TransferSyntax.ImplicitVrLittleEndian ||
    uid === TransferSyntax.ExplicitVrLittleEndian ||
    uid === TransferSyntax.DeflatedExplicitVrLittleEndian ||
    uid === TransferSyntax.ExplicitVrBigEndian
  );
}

/** JPEG family syntaxes (1.2.840.10008.1.2.4.x) for which a frame table can be rebuilt from markers. */
export function isJpegFamilyTransferSyntax(uid: string): boolean {
  return uid.startsWith('1.2.840.10008.1.2.4.');
}
