import { describe, expect, it } from 'vitest';
import { inMyQueue } from './my-queue';

describe('inMyQueue', () => {
  it('holds a read I have not submitted and drops it once submitted', () => {
    expect(inMyQueue({ status: 'reading', task: 'read', submitted: false })).toBe(true);
    expect(inMyQueue({ status: 'reading', task: 'read', submitted: true })).toBe(false);
  });

  it('holds an adjudication only once every read is in, until the study is final', () => {
    expect(inMyQueue({ status: 'reading', task: 'adjudicate', submitted: false })).toBe(false);
    expect(inMyQueue({ status: 'waiting_for_adjudication', task: 'adjudicate', submitted: false })).toBe(true);
    expect(inMyQueue({ status: 'adjudicating', task: 'adjudicate', submitted: false })).toBe(true);
    expect(inMyQueue({ status: 'final', task: 'adjudicate', submitted: false })).toBe(false);
  });

  it('holds nothing without a task', () => {
    expect(inMyQueue({ status: 'reading', task: null, submitted: false })).toBe(false);
    expect(inMyQueue({ status: null, task: null, submitted: false })).toBe(false);
  });
});
