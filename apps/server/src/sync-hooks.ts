import {
  ACCEPT,
  type AcceptDecision,
  type AwarenessDecision,
  type StagedUpdate,
  type SyncHooks,
  type UpdateProposal,
} from '@readingroom/sync-server';

/**
 * Combines several hook sets into one, so independent concerns (access checks, validation,
 * audit) each bring their own `SyncHooks`:
 *
 * - `acceptUpdate`: every hook must accept; the first refusal wins and later hooks are not asked.
 *   `proposal.stage()` may be called by any of them: it stages once and shares the result.
 * - `acceptAwareness`: every hook must accept; each sees the entries the previous ones kept.
 * - notification hooks (`onUpdateApplied`, `onRoomState`, `onRoomLoaded`): each is called in
 *   order; one that throws does not stop the others, and the first error is rethrown after.
 */
export function composeHooks(...hooks: SyncHooks[]): SyncHooks {
  const composed: SyncHooks = {};
  const accepting = hooks.filter((h) => h.acceptUpdate);
  if (accepting.length > 0) {
    composed.acceptUpdate = (proposal) => {
      const shared = shareStage(proposal);
      for (const h of accepting) {
        const decision: AcceptDecision = h.acceptUpdate!(shared);
        if (!decision.accept) return decision;
      }
      return ACCEPT;
    };
  }
  const awareness = hooks.filter((h) => h.acceptAwareness);
  if (awareness.length > 0) {
    composed.acceptAwareness = (proposal) => {
      let entries = proposal.entries;
      let filtered = false;
      for (const h of awareness) {
        const decision: AwarenessDecision = h.acceptAwareness!({ ...proposal, entries, ownerOf: proposal.ownerOf });
        if (!decision.accept) return decision;
        if (decision.entries && decision.entries !== entries) {
          entries = decision.entries;
          filtered = true;
        }
      }
      return filtered ? { accept: true, entries } : { accept: true };
    };
  }
  const notify = <K extends 'onUpdateApplied' | 'onRoomState' | 'onRoomLoaded'>(key: K) => {
    const listeners = hooks.map((h) => h[key]).filter((f): f is NonNullable<SyncHooks[K]> => f !== undefined);
    if (listeners.length === 0) return;
    composed[key] = ((...args: unknown[]) => {
      let first: { error: unknown } | null = null;
      for (const listener of listeners) {
        try {
          (listener as (...a: unknown[]) => void)(...args);
        } catch (error) {
          first ??= { error };
        }
      }
      if (first) throw first.error;
    }) as SyncHooks[K];
  };
  notify('onUpdateApplied');
  notify('onRoomState');
  notify('onRoomLoaded');
  return composed;
}

/** The proposal with a `stage()` that applies once and hands every caller the same result (or error); `preview()` passes through. */
function shareStage(proposal: UpdateProposal): UpdateProposal {
  let result: { staged: StagedUpdate } | { error: unknown } | undefined;
  const stage = (): StagedUpdate => {
    if (!result) {
      try {
        result = { staged: proposal.stage() };
      } catch (error) {
        result = { error };
      }
    }
    if ('error' in result) throw result.error;
    return result.staged;
  };
  const shared: UpdateProposal = { room: proposal.room, identity: proposal.identity, update: proposal.update, via: proposal.via, doc: proposal.doc, stage };
  // preview() changes nothing, so every hook may call it (the sync server's proposal computes it once).
  return proposal.preview ? { ...shared, preview: proposal.preview.bind(proposal) } : shared;
}
