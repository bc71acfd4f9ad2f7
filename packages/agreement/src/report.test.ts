import { describe, expect, it } from 'vitest';
import { imageGroupKey, seriesGroupKey } from './iou';
import { cohenKappa, fleissKappa } from './kappa';
import { studyAgreement } from './report';
import { agreementReportToCsv, REPORT_CSV_HEADER } from './report-csv';
import { box2d, box3d, SERIES, SOP } from './test-support';

const imageKeys = [imageGroupKey(SOP[0], 0), imageGroupKey(SOP[1], 0), imageGroupKey(SOP[2], 0), seriesGroupKey(SERIES)];

// Reader A: nodule on image 0 and 1, a mass slab. Reader B: nodule on image 0 only (matching A's),
// a mass on image 2 and the same slab. The consensus took A's and B's image-0 nodules and the slab.
const boxes = [
  box2d('A', 'a0', [10, 10, 20, 20], { sop: SOP[0], score: 5 }),
  box2d('A', 'a1', [40, 40, 10, 10], { sop: SOP[1] }),
  box3d('A', 'av', [0, 0, 30, 30], [2, 6], { label: 'mass' }),
  box2d('B', 'b0', [11, 10, 20, 20], { sop: SOP[0] }),
  box2d('B', 'b2', [5, 5, 10, 10], { sop: SOP[2], label: 'mass' }),
  box3d('B', 'bv', [0, 0, 30, 30], [2, 6], { label: 'mass' }),
  box2d('X', 'x0', [11, 10, 20, 20], { sop: SOP[0] }), // not an assigned reader: ignored
];
const consensus = [
  box2d('consensus', 'c0', [10.5, 10, 20, 20], { sop: SOP[0], sources: [{ readerId: 'A', annotationId: 'a0' }, { readerId: 'B', annotationId: 'b0' }] }),
  { ...box3d('consensus', 'cv', [0, 0, 30, 30], [2, 6], { label: 'mass' }), sources: [{ readerId: 'A', annotationId: 'av' }, { readerId: 'B', annotationId: 'bv' }] },
];

describe('studyAgreement', () => {
  const report = studyAgreement({ readers: ['B', 'A'], boxes, imageKeys, consensus, rejections: [{ readerId: 'B', annotationId: 'b2' }] });

  it('reports per-class Cohen kappa on per-image presence for two readers', () => {
    expect(report.readers).toEqual(['A', 'B']);
    expect(report.classes.map((c) => c.label)).toEqual(['mass', 'nodule']);
    const nodule = report.classes.find((c) => c.label === 'nodule')!;
    expect(nodule.method).toBe('cohen');
    const p = (...v: boolean[]) => v.map((x) => (x ? 'present' : 'absent'));
    expect(nodule.kappa).toBe(cohenKappa(p(true, true, false, false), p(true, false, false, false)));
    expect(nodule.imagesPresent).toEqual({ A: 2, B: 1 });
  });

  it('reports per reader-pair detection scores with the first reader as reference', () => {
    expect(report.readerPairs).toHaveLength(1);
    expect(report.readerPairs[0]).toMatchObject({ readerA: 'A', readerB: 'B', tp: 2, fp: 1, fn: 1 });
    expect(report.readerPairs[0]!.f1).toBeCloseTo(2 / 3, 12);
  });

  it('reports per-reader volume, finding rate and scores against the consensus', () => {
    const [a, b] = report.readerStats;
    expect(a).toMatchObject({ readerId: 'A', annotations: 3, annotationsPerStudy: 3, imagesWithFindings: 3, findingRate: 0.75 });
    expect(a!.vsConsensus).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(b!.vsConsensus!.f1).toBeCloseTo(0.8, 12);
  });

  it('counts only unresolved disagreements and the class balance of the consensus', () => {
    // a1 (A only) is open; b2 (B only) was rejected.
    expect(report.unresolvedDisagreements).toBe(1);
    expect(report.unresolvedByKind).toEqual({ unmatched: 1, partial: 0, label_conflict: 0, low_iou: 0 });
    expect(report.consensus).toEqual({
      boxes: 2,
      classBalance: [
        { label: 'mass', count: 1, fraction: 0.5 },
        { label: 'nodule', count: 1, fraction: 0.5 },
      ],
    });
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('uses Fleiss kappa for three readers and leaves consensus scores null without a consensus', () => {
    const three = studyAgreement({ readers: ['A', 'B', 'X'], boxes, imageKeys, classes: ['nodule'] });
    const [nodule] = three.classes;
    expect(nodule!.method).toBe('fleiss');
    expect(nodule!.kappa).toBe(fleissKappa([[3, 0], [1, 2], [0, 3], [0, 3]]));
    expect(three.readerPairs.map((p) => `${p.readerA}-${p.readerB}`)).toEqual(['A-B', 'A-X', 'B-X']);
    expect(three.readerStats.every((r) => r.vsConsensus === null)).toBe(true);
    expect(three.consensus.boxes).toBe(0);
  });
});

describe('agreementReportToCsv', () => {
  const report = studyAgreement({ readers: ['A', 'B'], boxes, imageKeys, consensus });

  it('writes one long table with a header, CRLF line ends and empty cells for null', () => {
    const csv = agreementReportToCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_HEADER.join(','));
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('summary,,,,readers,2');
    expect(lines).toContain(`pair,,A,B,f1,${report.readerPairs[0]!.f1}`);
    expect(lines).toContain('reader,,A,,finding_rate,0.75');
    expect(lines).toContain('consensus_class,mass,,,fraction,0.5');
    for (const line of lines.slice(0, -1)) expect(line.split(',')).toHaveLength(6);
  });

  it('quotes labels with commas or quotes and defuses spreadsheet formulas', () => {
    const odd = studyAgreement({
      readers: ['A', 'B'],
      boxes: [box2d('A', 'a', [0, 0, 5, 5], { label: 'nodule, "solid"' }), box2d('B', 'b', [0, 0, 5, 5], { label: '=HYPERLINK()' })],
      imageKeys,
    });
    const csv = agreementReportToCsv(odd);
    expect(csv).toContain('class,"nodule, ""solid""",,,kappa,');
    expect(csv).toContain("class,'=HYPERLINK(),,,kappa_method,cohen");
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
