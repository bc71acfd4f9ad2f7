import {
  adjudicateGroup,
  compareDisagreements,
  type AdjudicationContext,
  type AdjudicationOptions,
  type ClusterProposal,
  type Disagreement,
  type DisagreementQuery,
  type GroupAdjudication,
} from './adjudicate';
import { groupKey } from './iou';
import { compareStrings, sourceKey, type AgreementBox, type SourceRef } from './types';

export interface LiveAdjudicationOptions extends AdjudicationOptions {
  /**
   * The readers taking part (N in fusion scores, quorum and missing readers). Default: every
   * reader given to `setReader` or seen in a box; a new reader then recomputes every group.
   */
  readonly readers?: readonly string[];
}

/** True when replacing `a` by `b` (same ids) cannot change any result. */
function sameBox(a: AgreementBox, b: AgreementBox): boolean {
  if (a.label !== b.label || a.score !== b.score || a.studyInstanceUid !== b.studyInstanceUid) return false;
  if (JSON.stringify(a.sources) !== JSON.stringify(b.sources)) return false;
  const ra = a.region as unknown as Record<string, unknown>;
  const rb = b.region as unknown as Record<string, unknown>;
  const keys = Object.keys(ra);
  return keys.length === Object.keys(rb).length && keys.every((k) => ra[k] === rb[k]);
}

/**
 * Live adjudication of one study (or project): keeps every reader's boxes, the consensus and the
 * rejections, and answers `proposals()` and `disagreements()` by recomputing only the groups
 * (images, or series for 3D boxes) that an edit touched since the last query. The answers are
 * always equal to {@link adjudicate} over the same state.
 */
export class LiveAdjudication {
  readonly #options: LiveAdjudicationOptions;
  readonly #fixedReaders: readonly string[] | undefined;
  readonly #knownReaders = new Set<string>();
  #readers: string[] = [];
  /** Reader boxes by source key, and the source keys of each group and of each reader. */
  readonly #boxes = new Map<string, AgreementBox>();
  readonly #groups = new Map<string, Set<string>>();
  readonly #byReader = new Map<string, Set<string>>();
  /** How many consensus boxes list each source key, and the rejected source keys. */
  readonly #linked = new Map<string, number>();
  #consensus = new Map<string, AgreementBox>();
  #rejected = new Set<string>();
  readonly #results = new Map<string, GroupAdjudication>();
  readonly #dirty = new Set<string>();
  #proposals: ClusterProposal[] | null = [];
  #disagreements: Disagreement[] | null = [];
  #recomputedGroups = 0;

  constructor(options: LiveAdjudicationOptions = {}) {
    this.#options = options;
    this.#fixedReaders = options.readers ? [...new Set(options.readers)].sort(compareStrings) : undefined;
    this.#readers = this.#fixedReaders ? [...this.#fixedReaders] : [];
  }

  /** Replaces every box of one reader (boxes must carry that reader id); only changed boxes count as edits. */
  setReader(readerId: string, boxes: readonly AgreementBox[]): void {
    const next = new Map<string, AgreementBox>();
    for (const box of boxes) {
      if (box.readerId !== readerId) throw new RangeError(`setReader(${readerId}): box ${box.annotationId} belongs to ${box.readerId}`);
      next.set(sourceKey(box), box);
    }
    this.#addReader(readerId);
    for (const key of [...(this.#byReader.get(readerId) ?? [])]) {
      if (!next.has(key)) this.#delete(key);
    }
    for (const box of next.values()) this.upsert(box);
  }

  /** Adds or replaces one reader box (by reader id and annotation id). */
  upsert(box: AgreementBox): void {
    this.#addReader(box.readerId);
    const key = sourceKey(box);
    const old = this.#boxes.get(key);
    if (old && sameBox(old, box)) {
      this.#boxes.set(key, box);
      return;
    }
    if (old) this.#delete(key);
    const group = groupKey(box.region);
    this.#boxes.set(key, box);
    setOf(this.#groups, group).add(key);
    setOf(this.#byReader, box.readerId).add(key);
    this.#touch(group);
  }

  /** Removes one reader box; unknown ids are ignored. */
  remove(readerId: string, annotationId: string): void {
    this.#delete(sourceKey({ readerId, annotationId }));
  }

  /** Replaces the consensus boxes; only the reader boxes whose resolution changed are recomputed. */
  setConsensus(boxes: readonly AgreementBox[]): void {
    const before = new Set(this.#linked.keys());
    this.#consensus = new Map(boxes.map((b) => [b.annotationId, b]));
    this.#linked.clear();
    for (const box of this.#consensus.values()) {
      for (const s of box.sources ?? []) this.#linked.set(sourceKey(s), (this.#linked.get(sourceKey(s)) ?? 0) + 1);
    }
    for (const key of before) if (!this.#linked.has(key)) this.#touchSource(key);
    for (const key of this.#linked.keys()) if (!before.has(key)) this.#touchSource(key);
  }

  /** Replaces the rejected reader boxes (the consensus document's `rejections`). */
  setRejections(rejections: readonly SourceRef[]): void {
    const before = this.#rejected;
    this.#rejected = new Set(rejections.map(sourceKey));
    for (const key of before) if (!this.#rejected.has(key)) this.#touchSource(key);
    for (const key of this.#rejected) if (!before.has(key)) this.#touchSource(key);
  }

  /** Every cluster with its fused and majority boxes, in group-key order. */
  proposals(): ClusterProposal[] {
    this.#refresh();
    this.#proposals ??= [...this.#results.keys()].sort(compareStrings).flatMap((k) => this.#results.get(k)!.proposals);
    return [...this.#proposals];
  }

  /** Disagreements worst first; resolved clusters only when asked for (flagged). */
  disagreements(query: DisagreementQuery = {}): Disagreement[] {
    this.#refresh();
    this.#disagreements ??= [...this.#results.values()].flatMap((r) => r.disagreements).sort(compareDisagreements);
    return query.includeResolved === true ? [...this.#disagreements] : this.#disagreements.filter((d) => !d.resolved);
  }

  /** The readers taking part, sorted. */
  readers(): string[] {
    return [...this.#readers];
  }

  /** Every reader box, for a full recompute or export. */
  boxes(): AgreementBox[] {
    return [...this.#boxes.values()];
  }

  /** The current consensus boxes. */
  consensus(): AgreementBox[] {
    return [...this.#consensus.values()];
  }

  /** How many group computations have run so far (for tests and benchmarks). */
  get recomputedGroups(): number {
    return this.#recomputedGroups;
  }

  #addReader(readerId: string): void {
    if (this.#fixedReaders || this.#knownReaders.has(readerId)) return;
    this.#knownReaders.add(readerId);
    this.#readers = [...this.#knownReaders].sort(compareStrings);
    // N changed: every group's scores, quorum and missing readers change.
    for (const group of this.#groups.keys()) this.#touch(group);
  }

  #delete(key: string): void {
    const box = this.#boxes.get(key);
    if (!box) return;
    const group = groupKey(box.region);
    this.#boxes.delete(key);
    this.#groups.get(group)?.delete(key);
    this.#byReader.get(box.readerId)?.delete(key);
    this.#touch(group);
  }

  #touchSource(key: string): void {
    const box = this.#boxes.get(key);
    if (box) this.#touch(groupKey(box.region));
  }

  #touch(group: string): void {
    this.#dirty.add(group);
    this.#proposals = null;
    this.#disagreements = null;
  }

  #refresh(): void {
    if (this.#dirty.size === 0) return;
    const context: AdjudicationContext = {
      readers: this.#readers,
      isResolved: (key) => (this.#linked.get(key) ?? 0) > 0 || this.#rejected.has(key),
    };
    for (const group of this.#dirty) {
      const keys = this.#groups.get(group);
      if (!keys || keys.size === 0) {
        this.#groups.delete(group);
        this.#results.delete(group);
        continue;
      }
      const boxes = [...keys].map((k) => this.#boxes.get(k)!);
      this.#results.set(group, adjudicateGroup(group, boxes, context, this.#options));
      this.#recomputedGroups++;
    }
    this.#dirty.clear();
  }
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
