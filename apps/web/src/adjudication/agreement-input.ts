import type { Region } from '@readingroom/agreement';
import type { Annotation, Box2dGeometry, Box3dGeometry, Proposal } from '@readingroom/model';

/** Rounds to 1/100 pixel, as boxes drawn in the viewer are (a box read back compares equal). */
const round = (v: number) => Math.round(v * 100) / 100;

/** The rectangle of a region on the 1/100-pixel grid (corners rounded, so it stays inside the image). */
export function roundedRect(region: Pick<Region, 'x' | 'y' | 'width' | 'height'>): Box2dGeometry {
  const x = round(region.x);
  const y = round(region.y);
  return { x, y, width: round(round(region.x + region.width) - x), height: round(round(region.y + region.height) - y) };
}

/** What a fused region needs to become a consensus annotation: where its members are. */
export interface ProposalContext {
  readonly label: string;
  readonly sources: Array<{ readerId: string; annotationId: string }>;
  /** The reader annotations of the cluster (for the study, series and slice references). */
  readonly members: readonly Annotation[];
  /** SOP Instance UID of stack index `i` of the members' series, when known. */
  readonly sopAt: (index: number) => string | undefined;
}

/**
 * The `acceptProposal` input for a fused region of a cluster: the same image (2D) or series and
 * slice range (3D) as its members, the rounded rectangle, the cluster's label and its sources.
 * Throws when a 3D range ends on a slice whose SOP Instance UID is unknown.
 */
export function proposalOf(region: Region, context: ProposalContext, origin: 'fused' | 'majority' = 'fused'): Proposal {
  const first = context.members[0];
  if (!first) throw new RangeError('a proposal needs at least one member');
  const rect = roundedRect(region);
  const common = { studyInstanceUid: first.studyInstanceUid, seriesInstanceUid: first.seriesInstanceUid, label: context.label, sources: context.sources, origin };
  if (region.kind === 'box2d') {
    return { ...common, kind: 'box2d', sopInstanceUid: region.sopInstanceUid, frameIndex: region.frameIndex, geometry: rect };
  }
  const sopOf = (index: number): string => {
    const known = context.sopAt(index);
    if (known) return known;
    for (const member of context.members) {
      if (member.kind !== 'box3d') continue;
      if (member.geometry.firstSliceIndex === index) return member.geometry.firstSopInstanceUid;
      if (member.geometry.lastSliceIndex === index) return member.geometry.lastSopInstanceUid;
    }
    throw new RangeError(`slice ${index + 1} of the series is not known: open the series and try again`);
  };
  const geometry: Box3dGeometry = {
    ...rect,
    firstSliceIndex: region.firstSliceIndex,
    lastSliceIndex: region.lastSliceIndex,
    firstSopInstanceUid: sopOf(region.firstSliceIndex),
    lastSopInstanceUid: sopOf(region.lastSliceIndex),
  };
  return { ...common, kind: 'box3d', geometry };
}
