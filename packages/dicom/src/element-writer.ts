import { encodeLatin1 } from './text-codec';

/**
 * A small explicit/implicit VR little endian writer. Nodes either copy an element's original
 * bytes verbatim or carry a new value; sequences are always written with undefined lengths,
 * which avoids recomputing nested lengths and is valid in every little endian syntax.
 */
export type OutputNode =
  | { kind: 'raw'; tag: string; bytes: Uint8Array }
  | { kind: 'value'; tag: string; vr: string; value: Uint8Array }
  | { kind: 'sequence'; tag: string; items: OutputNode[][] };

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const NUL_PADDED = new Set(['UI', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** A value node holding a string, padded to even length as its VR requires. */
export function stringNode(tag: string, vr: string, text: string): OutputNode {
  return { kind: 'value', tag, vr, value: encodeLatin1(text) };
}

/** A value node holding 16-bit unsigned integers. */
export function uint16Node(tag: string, values: number[]): OutputNode {
  const value = new Uint8Array(values.length * 2);
  const view = new DataView(value.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return { kind: 'value', tag, vr: 'US', value };
}

class ByteSink {
  private chunks: Uint8Array[] = [];
  size = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }
  header(tag: string, vr: string | undefined, length: number): void {
    const group = Number.parseInt(tag.slice(0, 4), 16);
    const element = Number.parseInt(tag.slice(4), 16);
    const long = vr !== undefined && LONG_VRS.has(vr);
    const out = new Uint8Array(vr === undefined ? 8 : long ? 12 : 8);
    const view = new DataView(out.buffer);
    view.setUint16(0, group, true);
    view.setUint16(2, element, true);
    if (vr === undefined) view.setUint32(4, length, true);
    else {
      out[4] = vr.charCodeAt(0);
      out[5] = vr.charCodeAt(1);
      if (long) view.setUint32(8, length, true);
      else {
        if (length > 0xffff) throw new RangeError(`value of ${tag} too long for VR ${vr}`);
        view.setUint16(6, length, true);
      }
    }
    this.push(out);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const UNDEFINED = 0xffffffff;

function writeNodes(sink: ByteSink, nodes: OutputNode[], explicit: boolean): void {
  for (const node of nodes) {
    if (node.kind === 'raw') sink.push(node.bytes);
    else if (node.kind === 'value') {
      const padded = node.value.length % 2 === 1;
      sink.header(node.tag, explicit ? node.vr : undefined, node.value.length + (padded ? 1 : 0));
      sink.push(node.value);
      if (padded) sink.push(Uint8Array.of(NUL_PADDED.has(node.vr) ? 0x00 : 0x20));
    } else {
      sink.header(node.tag, explicit ? 'SQ' : undefined, UNDEFINED);
      for (const item of node.items) {
        sink.header('FFFEE000', undefined, UNDEFINED);
        writeNodes(sink, item, explicit);
        sink.header('FFFEE00D', undefined, 0);
      }
      sink.header('FFFEE0DD', undefined, 0);
    }
  }
}

/** Encodes nodes (already in ascending tag order) as a dataset. */
export function encodeDataSet(nodes: OutputNode[], explicit: boolean): Uint8Array {
  const sink = new ByteSink();
  writeNodes(sink, nodes, explicit);
  return sink.concat();
}

/**
 * A Part 10 file: 128-byte preamble, `DICM`, the File Meta group (explicit VR, with its group
 * length computed here) and the already encoded dataset. `meta` must not contain (0002,0000).
 */
export function encodePart10(meta: OutputNode[], dataSet: Uint8Array): Uint8Array {
  const metaBytes = encodeDataSet(meta, true);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBytes.length, true);
  const head = encodeDataSet([{ kind: 'value', tag: '00020000', vr: 'UL', value: groupLength }], true);
  const out = new Uint8Array(132 + head.length + metaBytes.length + dataSet.length);
  out.set(encodeLatin1('DICM'), 128);
  out.set(head, 132);
  out.set(metaBytes, 132 + head.length);
  out.set(dataSet, 132 + head.length + metaBytes.length);
  return out;
}

/** Sorts nodes by tag, as a dataset requires. */
export function sortNodes(nodes: OutputNode[]): OutputNode[] {
  return [...nodes].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
