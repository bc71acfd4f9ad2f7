import { describe, expect, it } from 'vitest';
import { PresenceStateSchema } from './presence-schema';
import { box2d } from './test-support';

describe('PresenceStateSchema', () => {
  it('accepts a user with a cursor, a viewport, a slice and a series', () => {
    const state = {
      user: { id: 'u1', name: 'Dr A', color: '#aa3300' },
      cursor: { x: 12.5, y: 40, sopInstanceUid: '1.2.3', frameIndex: 0 },
      viewport: { seriesInstanceUid: '1.2.3.4', sliceIndex: 7, zoom: 1.5, pan: [3, -4] },
      slice: 7,
      series: '1.2.3.4',
    };
    expect(PresenceStateSchema.safeParse(state).success).toBe(true);
    expect(PresenceStateSchema.safeParse({ name: 'Dr B', color: 'teal', cursor: null }).success).toBe(true);
  });

  it('refuses document-like data: unknown keys, annotations, nested objects in the wrong place', () => {
    expect(PresenceStateSchema.safeParse({ annotations: { a: box2d() } }).success).toBe(false);
    expect(PresenceStateSchema.safeParse({ user: 'x', box: box2d() }).success).toBe(false);
    expect(PresenceStateSchema.safeParse({ cursor: { x: 1, y: 2, label: 'nodule' } }).success).toBe(false);
    expect(PresenceStateSchema.safeParse({ user: { name: 'x', notes: 'y'.repeat(10) } }).success).toBe(false);
    expect(PresenceStateSchema.safeParse({ name: 'y'.repeat(300) }).success).toBe(false);
    expect(PresenceStateSchema.safeParse({ series: 'not-a-uid' }).success).toBe(false);
  });
});
