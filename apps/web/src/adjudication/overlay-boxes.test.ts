import { describe, expect, it } from 'vitest';
import { indexOfPlace, isOnImage, type OverlayImage, type OverlayPlace } from './overlay-boxes';

// A stack of three slices and a two-frame instance.
const images: OverlayImage[] = [
  { sopInstanceUid: '1.1', frame: 1 },
  { sopInstanceUid: '1.2', frame: 1 },
  { sopInstanceUid: '1.3', frame: 1 },
  { sopInstanceUid: '1.4', frame: 1 },
  { sopInstanceUid: '1.4', frame: 2 },
];

describe('isOnImage and indexOfPlace', () => {
  it('places a 2D box on its own image and frame only', () => {
    const place: OverlayPlace = { kind: 'box2d', seriesInstanceUid: 's', sopInstanceUid: '1.4', frameIndex: 1 };
    expect(images.map((_, i) => isOnImage(place, 's', images, i))).toEqual([false, false, false, false, true]);
    expect(isOnImage(place, 'other-series', images, 4)).toBe(false);
    expect(indexOfPlace(place, images)).toBe(4);
  });

  it('places a 3D box on every slice of its range, first slice to show', () => {
    const place: OverlayPlace = {
      kind: 'box3d',
      seriesInstanceUid: 's',
      geometry: { x: 0, y: 0, width: 1, height: 1, firstSliceIndex: 1, lastSliceIndex: 2, firstSopInstanceUid: '1.2', lastSopInstanceUid: '1.3' },
    };
    expect(images.map((_, i) => isOnImage(place, 's', images, i))).toEqual([false, true, true, false, false]);
    expect(indexOfPlace(place, images)).toBe(1);
  });

  it('finds no index for a box whose image is not in the stack', () => {
    expect(indexOfPlace({ kind: 'box2d', seriesInstanceUid: 's', sopInstanceUid: '9.9', frameIndex: 0 }, images)).toBeNull();
  });
});
