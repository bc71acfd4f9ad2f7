import { describe, expect, it } from 'vitest';
import { managesSessions } from './manages-sessions';

describe('managesSessions', () => {
  it('offers assignment to project admins, adjudicators and non-member global administrators', () => {
    expect(managesSessions({ role: 'admin' })).toBe(true);
    expect(managesSessions({ role: 'adjudicator' })).toBe(true);
    expect(managesSessions({ role: null })).toBe(true);
  });

  it('offers no assignment to readers, reviewers, observers, trainees or an unknown role', () => {
    for (const role of ['reader', 'reviewer', 'observer', 'trainee', 'boss']) expect(managesSessions({ role })).toBe(false);
  });
});
