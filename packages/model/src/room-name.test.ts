import { describe, expect, it } from 'vitest';
import { parseRoomName, roomName, type StudyRoom } from './room-name';

describe('room names', () => {
  const rooms: StudyRoom[] = [
    { projectId: 'chest-ct', studyInstanceUid: '1.2.3', scope: { type: 'shared' } },
    { projectId: 'p 1/é', studyInstanceUid: '1.2.3', scope: { type: 'reader', userId: 'u-1' } },
    { projectId: 'x', studyInstanceUid: '2.25.1', scope: { type: 'consensus' } },
  ];
  it('round-trips every scope, with characters that need encoding', () => {
    for (const r of rooms) expect(parseRoomName(roomName(r))).toEqual(r);
  });
  it('rejects names outside the grammar', () => {
    for (const bad of ['', 'study-1', 'p/x', 'p/x/s', 'p/x/s/1.2/r', 'p/x/s/1.2/other', 'p//s/1.2', 'p/%E0/s/1']) {
      expect(parseRoomName(bad)).toBeNull();
    }
  });
});
