/**
 * Builds small synthetic Part 10 files with the package's own writer, with identifiers planted
 * in the usual places, nested sequences and private tags. Test-only.
 */
import { encodeDataSet, encodePart10, sortNodes, stringNode, uint16Node, type OutputNode } from '../element-writer';

export const PLANTED = {
  patientName: 'Planted^Patient^Name',
  patientId: 'PID-998877',
  birthDate: '19630405',
  accessionNumber: 'ACC-55443322',
  institution: 'St Planted Hospital',
  physician: 'Doctor^Planted^Referrer',
  operator: 'Operator^Planted',
  studyDate: '20190214',
  acquisitionDateTime: '20190214103000.000000',
  studyUid: '1.2.826.0.1.3680043.99.1',
  seriesUid: '1.2.826.0.1.3680043.99.1.2',
  frameOfReferenceUid: '1.2.826.0.1.3680043.99.1.4',
  referencedSopUid: '1.2.826.0.1.3680043.99.1.9.1',
  privateText: 'PRIVATE-SECRET-TEXT',
  nestedPhysician: 'Nested^Physician^Name',
  nestedDate: '20180101',
} as const;

export interface SyntheticOptions {
  sopInstanceUid: string;
  seriesUid?: string;
  explicit?: boolean;
  withPixelData?: boolean;
  rows?: number;
  columns?: number;
}

function pixelNode(rows: number, columns: number): OutputNode {
  const value = new Uint8Array(rows * columns * 2);
  for (let i = 0; i < value.length; i += 1) value[i] = (i * 7) & 0xff;
  return { kind: 'value', tag: '7FE00010', vr: 'OW', value };
}

/** The pixel bytes {@link syntheticInstance} writes. */
export function syntheticPixels(rows = 4, columns = 4): Uint8Array {
  const node = pixelNode(rows, columns);
  return node.kind === 'value' ? node.value : new Uint8Array();
}

/** A CT-like instance with identifiers in top-level, nested and private elements. */
export function syntheticInstance(options: SyntheticOptions): Uint8Array {
  const { rows = 4, columns = 4 } = options;
  const explicit = options.explicit ?? true;
  const nodes: OutputNode[] = [
    stringNode('00080016', 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    stringNode('00080018', 'UI', options.sopInstanceUid),
    stringNode('00080020', 'DA', PLANTED.studyDate),
    stringNode('0008002A', 'DT', PLANTED.acquisitionDateTime),
    stringNode('00080030', 'TM', '101500'),
    stringNode('00080050', 'SH', PLANTED.accessionNumber),
    stringNode('00080060', 'CS', 'CT'),
    stringNode('00080080', 'LO', PLANTED.institution),
    stringNode('00080090', 'PN', PLANTED.physician),
    stringNode('00081070', 'PN', PLANTED.operator),
    {
      kind: 'sequence',
      tag: '00081140',
      items: [
        [stringNode('00081150', 'UI', '1.2.840.10008.5.1.4.1.1.2'), stringNode('00081155', 'UI', PLANTED.referencedSopUid)],
      ],
    },
    {
      kind: 'sequence',
      tag: '00400260',
      items: [
        [
          stringNode('00080100', 'SH', 'X1'),
          stringNode('00400244', 'DA', PLANTED.nestedDate),
          {
            kind: 'sequence',
            tag: '00409096',
            items: [[stringNode('00081070', 'PN', PLANTED.nestedPhysician), stringNode('00409210', 'SH', 'HU')]],
          },
        ],
      ],
    },
    stringNode('00090010', 'LO', 'ACME_PRIVATE'),
    stringNode('00091001', 'LO', PLANTED.privateText),
    stringNode('00100010', 'PN', PLANTED.patientName),
    stringNode('00100020', 'LO', PLANTED.patientId),
    stringNode('00100030', 'DA', PLANTED.birthDate),
    stringNode('00100040', 'CS', 'F'),
    stringNode('00101000', 'LO', `${PLANTED.patientId}-OTHER`),
    stringNode('0020000D', 'UI', PLANTED.studyUid),
    stringNode('0020000E', 'UI', options.seriesUid ?? PLANTED.seriesUid),
    stringNode('00200013', 'IS', '1'),
    stringNode('00200052', 'UI', PLANTED.frameOfReferenceUid),
    uint16Node('00280002', [1]),
    stringNode('00280004', 'CS', 'MONOCHROME2'),
    uint16Node('00280010', [rows]),
    uint16Node('00280011', [columns]),
    stringNode('00280030', 'DS', '0.5\\0.5'),
    uint16Node('00280100', [16]),
    uint16Node('00280101', [12]),
    uint16Node('00280102', [11]),
    uint16Node('00280103', [0]),
  ];
  if (options.withPixelData ?? true) nodes.push(pixelNode(rows, columns));
  const transferSyntax = explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
  const meta: OutputNode[] = [
    { kind: 'value', tag: '00020001', vr: 'OB', value: Uint8Array.of(0, 1) },
    stringNode('00020002', 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    stringNode('00020003', 'UI', options.sopInstanceUid),
    stringNode('00020010', 'UI', transferSyntax),
    stringNode('00020012', 'UI', '1.2.826.0.1.3680043.99.77'),
    stringNode('00020016', 'AE', 'PLANTED_AE'),
  ];
  return encodePart10(meta, encodeDataSet(sortNodes(nodes), explicit));
}
