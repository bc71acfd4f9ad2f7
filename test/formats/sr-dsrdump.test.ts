// Writes every DICOM SR of a reader's read and of the consensus read to a temp dir and checks
// each with dcmtk's dsrdump, an independent SR reader that validates the IOD's content
// constraints while reading.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLabels, type LabelFile } from '../../packages/formats/src/index';
import { readPart10, writePart10 } from '../../packages/formats/src/sr/dcmjs-data';
import { demoRead } from '../../packages/formats/src/test-support/demo-fixture';

function findDsrdump(): string {
  const which = spawnSync('sh', ['-c', 'command -v dsrdump'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('dcmtk is not installed: apt-get install -y dcmtk (provides dsrdump)');
}

// dcmtk 3.6.7's value checker does not support UTF-8 and says so once for every UTF-8 file (also
// with --disable-vr-checker). That notice about dcmtk itself is the only diagnostic allowed; files
// in the default repertoire must give none at all.
const UTF8_NOTICE = 'W: The VR checker does not support this Specific Character Set: ISO_IR 192';

interface Written {
  path: string;
  utf8: boolean;
}

let dsrdump = '';

function run(args: string[]): { status: number | null; stdout: string; diagnostics: string[] } {
  const result = spawnSync(dsrdump, args, { encoding: 'utf8' });
  const lines = `${result.stdout}\n${result.stderr}`.split('\n');
  return { status: result.status, stdout: result.stdout, diagnostics: lines.filter((line) => /^(E|W|F):|error|warning/i.test(line)) };
}

describe('DICOM SR export checked by dcmtk dsrdump', () => {
  let dir = '';
  const written: Written[] = [];

  beforeAll(() => {
    dsrdump = findDsrdump();
    dir = mkdtempSync(join(tmpdir(), 'rr-sr-'));
    const reader = demoRead('reader-a');
    const consensus = demoRead('consensus');
    // The consensus read has ASCII text only, so its documents need no Specific Character Set.
    const ascii = consensus.annotations.map((a) => ({ ...a, attributes: { ...a.attributes, note: 'agreed by 2 of 3 readers' } }));
    const outputs: LabelFile[] = [
      ...exportLabels('dicom-sr', reader.input).files,
      ...exportLabels('dicom-sr', { ...consensus.input, annotations: ascii }).files,
    ];
    for (const file of outputs) {
      const path = join(dir, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
      const bytes = file.content as Uint8Array;
      written.push({ path, utf8: Buffer.from(bytes).includes(Buffer.from('ISO_IR 192')) });
    }
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('writes three SR documents per read, the consensus ones in the default character repertoire', () => {
    expect(written).toHaveLength(6);
    expect(written.filter((w) => w.path.includes('/consensus/')).every((w) => !w.utf8)).toBe(true);
    expect(written.filter((w) => w.path.includes('/reader-a/')).some((w) => w.utf8)).toBe(true);
  });

  it('reads every document with exit code 0 and no error or warning', () => {
    for (const { path, utf8 } of written) {
      const plain = run([path]);
      expect(plain.status, path).toBe(0);
      expect(plain.diagnostics, path).toEqual(utf8 ? [UTF8_NOTICE] : []);
    }
  });

  it('shows the person observer name and every finding label', () => {
    const outputs = written.map(({ path }) => run([path]).stdout);
    const reader = outputs.filter((_, i) => written[i]!.path.includes('/reader-a/')).join('\n');
    const consensus = outputs.filter((_, i) => written[i]!.path.includes('/consensus/')).join('\n');
    expect(reader).toContain('<has obs context PNAME:(,,"Person Observer Name")="Dr Ana Álvarez">');
    expect(consensus).toContain('<has obs context PNAME:(,,"Person Observer Name")="Consensus">');
    for (const text of [reader, consensus]) {
      expect(text).toContain('99RR,"nodule")>');
      expect(text).toContain('99RR,"mass")>');
      expect(text).toContain('99RR,"consolidation, "patchy"")>');
      expect(text).toContain('<contains SCOORD3D:(,,"Image Region")=(POLYGON,');
      expect(text).toContain('(RRNOFIND,99RR,"No finding")');
      expect(text).toContain('(RREXCL,99RR,"Excluded: poor image quality")');
    }
  });

  it('fails a document that breaks the SR content constraints, so the checks above can fail', () => {
    const consensus = written.find((w) => w.path.includes('/consensus/') && !w.utf8)!;
    type Node = { ValueType?: string; ContentSequence?: Node[] } & Record<string, unknown>;
    const dataset = readPart10(new Uint8Array(readFileSync(consensus.path))) as Node;
    const groups = (dataset.ContentSequence ?? []).find((c) => c.ValueType === 'CONTAINER' && JSON.stringify(c).includes('Imaging Measurements'));
    const region = groups?.ContentSequence?.[0]?.ContentSequence?.find((c) => c.ValueType === 'SCOORD' || c.ValueType === 'SCOORD3D');
    if (!region) throw new Error('no region to break');
    // A spatial coordinate may not CONTAIN a text item.
    region.ContentSequence = [...(region.ContentSequence ?? []), { RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptNameCodeSequence: [{ CodeValue: '121106', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Comment' }], TextValue: 'x' }];
    const broken = join(dir, 'broken.dcm');
    writeFileSync(broken, writePart10(dataset, { implementationClassUid: '2.25.1', implementationVersionName: 'TEST' }));
    const result = run([broken]);
    expect(result.status).not.toBe(0);
    expect(result.diagnostics.some((line) => line.startsWith('E:'))).toBe(true);
  });
});
