import { describe, expect, it } from 'vitest';
import { defaultReadingSession, READING_PHASES, type ReadingPhase } from '@readingroom/model';
import { agreementRefusal } from './agreement-access';

const session = (phase: ReadingPhase, more: { readers?: string[]; readersMayDiscuss?: boolean } = {}) => ({ ...defaultReadingSession(), phase, ...more });

describe('agreementRefusal', () => {
  it('always shows the report to adjudicators and admins, in every phase', () => {
    for (const role of ['admin', 'adjudicator'] as const) {
      for (const phase of READING_PHASES) expect(agreementRefusal('u', role, session(phase)), `${role} ${phase}`).toBeNull();
    }
  });

  it('never shows it to trainees, who may not see others at all', () => {
    for (const phase of READING_PHASES) expect(agreementRefusal('t', 'trainee', session(phase, { readersMayDiscuss: true }))).toBe('cannot_see_others');
  });

  it('hides it from readers while blinded, and in adjudication unless they may discuss', () => {
    expect(agreementRefusal('r', 'reader', session('open'))).toBeNull();
    expect(agreementRefusal('r', 'reader', session('blinded'))).toBe('blinded_read');
    expect(agreementRefusal('r', 'reader', session('blinded', { readersMayDiscuss: true }))).toBe('blinded_read');
    expect(agreementRefusal('r', 'reader', session('adjudication'))).toBe('blinded_read');
    expect(agreementRefusal('r', 'reader', session('adjudication', { readersMayDiscuss: true }))).toBeNull();
    expect(agreementRefusal('r', 'reader', session('final'))).toBeNull();
  });

  it('treats an adjudicator assigned as a reader as a reader', () => {
    expect(agreementRefusal('a', 'adjudicator', session('blinded', { readers: ['a'] }))).toBe('blinded_read');
    expect(agreementRefusal('a', 'adjudicator', session('blinded', { readers: ['someone else'] }))).toBeNull();
  });

  it('hides it from observers and reviewers only while blinded', () => {
    for (const role of ['observer', 'reviewer'] as const) {
      for (const phase of READING_PHASES) expect(agreementRefusal('o', role, session(phase)), `${role} ${phase}`).toBe(phase === 'blinded' ? 'blinded_read' : null);
    }
  });
});
