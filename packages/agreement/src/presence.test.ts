import { describe, expect, it } from 'vitest';
import { imageGroupKey, seriesGroupKey } from './iou';
import { cohenKappa, fleissKappa } from './kappa';
import { classPresence, presenceCountTable, presenceKappa } from './presence';
import { box2d, box3d, SERIES, SOP } from './test-support';

const keys = [imageGroupKey(SOP[0], 0), imageGroupKey(SOP[1], 0), imageGroupKey(SOP[2], 0), seriesGroupKey(SERIES)];

describe('classPresence', () => {
  const boxes = [
    box2d('A', 'a1', [0, 0, 5, 5], { sop: SOP[0] }),
    box2d('A', 'a2', [9, 9, 5, 5], { sop: SOP[0] }),
    box2d('A', 'a3', [0, 0, 5, 5], { sop: SOP[2], label: 'mass' }),
    box3d('B', 'b1', [0, 0, 5, 5], [1, 4]),
    box2d('B', 'b2', [0, 0, 5, 5], { sop: SOP[0] }),
    box2d('C', 'c1', [0, 0, 5, 5], { sop: '9.9' }),
  ];

  it('marks an image key present for a reader and class when they drew at least one such box there', () => {
    const [nodule, mass] = classPresence(boxes, { imageKeys: keys, classes: ['nodule', 'mass'], readers: ['A', 'B', 'C'] });
    expect(nodule!.presentByReader).toEqual({ A: [true, false, false, false], B: [true, false, false, true], C: [false, false, false, false] });
    expect(mass!.presentByReader.A).toEqual([false, false, true, false]);
  });

  it('builds a subjects x [present, absent] table and uses Cohen for two readers, Fleiss for more', () => {
    const [nodule] = classPresence(boxes, { imageKeys: keys, classes: ['nodule'], readers: ['A', 'B', 'C'] });
    expect(presenceCountTable(nodule!, ['A', 'B', 'C'])).toEqual([[2, 1], [0, 3], [0, 3], [1, 2]]);
    expect(presenceKappa(nodule!, ['A', 'B', 'C'])).toEqual({ method: 'fleiss', kappa: fleissKappa([[2, 1], [0, 3], [0, 3], [1, 2]]) });
    expect(presenceKappa(nodule!, ['A', 'B'])).toEqual({
      method: 'cohen',
      kappa: cohenKappa(['present', 'absent', 'absent', 'absent'], ['present', 'absent', 'absent', 'present']),
    });
    expect(presenceKappa(nodule!, ['A'])).toBeNull();
  });
});
