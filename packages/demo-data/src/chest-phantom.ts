/**
 * An analytic chest phantom in patient coordinates (DICOM LPS, mm: +x towards the patient's
 * left, +y posterior, +z superior), returning noise-free Hounsfield units at any point. The
 * CT generator samples it on slices; the radiograph generator integrates it front to back.
 */

export type Vec3 = readonly [number, number, number];

/** Reference HU of each tissue; the README's anatomy table lists the same values. */
export const TISSUE_HU = {
  air: -1000,
  lung: -850,
  fat: -100,
  softTissue: 40,
  heart: 40,
  liver: 60,
  contrastAorta: 250,
  corticalBone: 700,
  cancellousBone: 300,
  disc: 80,
  csf: 15,
  nodule: 30,
} as const;

/** A spherical nodule: voxels whose centre lies within the sphere take `hu`. */
export interface NoduleSpec {
  id: string;
  location: string;
  centreMm: Vec3;
  diameterMm: number;
  hu: number;
}

/** The default nodules: all inside the lungs with at least 10 mm of lung around them. */
export const DEFAULT_NODULES: readonly NoduleSpec[] = [
  { id: 'nodule-1', location: 'right upper lobe', centreMm: [-75, -10, 70], diameterMm: 18, hu: TISSUE_HU.nodule },
  { id: 'nodule-2', location: 'left lower lobe', centreMm: [80, 25, -50], diameterMm: 12, hu: TISSUE_HU.nodule },
  { id: 'nodule-3', location: 'right middle lobe', centreMm: [-58, -30, -5], diameterMm: 8, hu: TISSUE_HU.nodule },
  { id: 'nodule-4', location: 'left upper lobe', centreMm: [68, -15, 40], diameterMm: 6, hu: TISSUE_HU.nodule },
];

/** True if the voxel centre (x, y, z) lies within the nodule; the one rule behind pixels and truth. */
export function insideNodule(nodule: NoduleSpec, x: number, y: number, z: number): boolean {
  const [cx, cy, cz] = nodule.centreMm;
  const r = nodule.diameterMm / 2;
  const dx = x - cx;
  const dy = y - cy;
  const dz = z - cz;
  return dx * dx + dy * dy + dz * dz <= r * r;
}

// Geometry of the anatomy, mm. Lung z profiles: ellipsoidal towards the apex, flat with a
// steep dome at the diaphragm (right hemidiaphragm higher, above the liver).
const BODY = { cx: 0, cy: 5, a: 160, b: 110, fat: 10 };
const LUNGS = [
  { cx: -68, cy: 5, a: 52, b: 72, apex: 150, base: -100 },
  { cx: 72, cy: 5, a: 48, b: 70, apex: 148, base: -115 },
] as const;
const HEART = { cx: 18, cy: -22, cz: -45, a: 58, b: 45, c: 55 };
const AORTA = { radius: 11, descending: [28, 45] as const, ascending: [2, -25] as const, archZ: [95, 110] as const };
const SPINE = { cx: 0, cy: 68, a: 19, b: 16, cortex: 2.5, pitch: 26, disc: 5, canalY: 95, canalR: 8, archR: 13 };
const TRACHEA = { cy: 20, radius: 9, carinaZ: 75 };
const LIVER = { cx: -45, cy: 5, a: 110, b: 85, top: -95 };
const RIB_COUNT = 12;

function sq(v: number): number {
  return v * v;
}

function inEllipse(x: number, y: number, cx: number, cy: number, a: number, b: number): boolean {
  const u = (x - cx) / a;
  const v = (y - cy) / b;
  return u * u + v * v <= 1;
}

function lungScale(z: number, apex: number, base: number): number {
  if (z >= apex || z <= base) return 0;
  if (z >= 0) return Math.sqrt(1 - (z / apex) ** 2);
  return Math.sqrt(1 - (z / base) ** 4);
}

function distanceToSegment(x: number, y: number, a: readonly [number, number], b: readonly [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.sqrt(sq(x - a[0] - t * dx) + sq(y - a[1] - t * dy));
}

/** A function giving the noise-free HU at (x, y) on the axial plane at height z. */
export type SliceSampler = (x: number, y: number) => number;

/**
 * Prepares the phantom's cross-section at height `z` (mm) with the given nodules. Structures
 * are tested from the highest precedence down, so bone and vessels indent the lungs.
 */
export function chestSlice(z: number, nodules: readonly NoduleSpec[]): SliceSampler {
  const bodyA = BODY.a - Math.max(0, z - 100) * 0.6;
  const lungs = LUNGS.map((l) => ({ ...l, s: lungScale(z, l.apex, l.base) })).filter((l) => l.s > 0);
  const heartDz = (z - HEART.cz) / HEART.c;
  const heartS = Math.abs(heartDz) < 1 ? Math.sqrt(1 - heartDz * heartDz) : 0;
  const hasDescending = z > -150 && z < AORTA.archZ[1];
  const hasAscending = z > HEART.cz + HEART.c * 0.6 && z < AORTA.archZ[1];
  const hasArch = z >= AORTA.archZ[0] && z < AORTA.archZ[1];
  const phase = (((z + 1000) % SPINE.pitch) + SPINE.pitch) % SPINE.pitch;
  const inDisc = phase < SPINE.disc;
  const hasTrachea = z >= TRACHEA.carinaZ;
  const bronchusOffset = 15 + (TRACHEA.carinaZ - z) * 1.2;
  const hasBronchi = z < TRACHEA.carinaZ && z > TRACHEA.carinaZ - 20;
  const hasLiver = z < LIVER.top;
  const liverS = hasLiver ? Math.min(1, (LIVER.top - z) / 25) : 0;
  const sternum = z > -70 && z < 110;
  const ribs = Float64Array.from(ribCentres(z, bodyA).flat());
  const active = nodules.filter((n) => Math.abs(z - n.centreMm[2]) <= n.diameterMm / 2);
  // Flattened per-slice parameters keep the per-pixel loop free of allocations and iterators.
  const noduleParams = Float64Array.from(
    active.flatMap((n) => {
      const r = n.diameterMm / 2;
      const dz = z - n.centreMm[2];
      return [n.centreMm[0], n.centreMm[1], dz * dz, r * r, n.hu];
    }),
  );
  const lungParams = Float64Array.from(lungs.flatMap((l) => [l.cx, l.cy, l.a * l.s, l.b * l.s, l.b]));
  const bodyB = BODY.b;
  const innerA = bodyA - BODY.fat;
  const innerB = BODY.b - BODY.fat;
  const heartA = HEART.a * heartS;
  const heartB = HEART.b * heartS;
  const liverA = LIVER.a * liverS;
  const liverB = LIVER.b * liverS;
  const sternumY = BODY.cy - BODY.b + BODY.fat + 14;
  const spinousY = SPINE.canalY + 13;

  return (x, y) => {
    if (!inEllipse(x, y, BODY.cx, BODY.cy, bodyA, bodyB)) return TISSUE_HU.air;
    for (let i = 0; i < noduleParams.length; i += 5) {
      // Same arithmetic as insideNodule(), so pixels and ground truth agree exactly.
      const dx = x - noduleParams[i]!;
      const dy = y - noduleParams[i + 1]!;
      if (dx * dx + dy * dy + noduleParams[i + 2]! <= noduleParams[i + 3]!) return noduleParams[i + 4]!;
    }
    // Spine: vertebral body (cortex + cancellous) or disc, canal, arch and spinous process.
    if (y > 40) {
      if (inEllipse(x, y, SPINE.cx, SPINE.cy, SPINE.a, SPINE.b)) {
        if (inDisc) return TISSUE_HU.disc;
        const inner = inEllipse(x, y, SPINE.cx, SPINE.cy, SPINE.a - SPINE.cortex, SPINE.b - SPINE.cortex);
        return inner ? TISSUE_HU.cancellousBone : TISSUE_HU.corticalBone;
      }
      const canal2 = sq(x - SPINE.cx) + sq(y - SPINE.canalY);
      if (canal2 <= SPINE.canalR * SPINE.canalR) return TISSUE_HU.csf;
      if (!inDisc && canal2 <= SPINE.archR * SPINE.archR && y >= SPINE.canalY - 4) return TISSUE_HU.corticalBone;
      if (!inDisc && inEllipse(x, y, 0, spinousY, 4, 8)) return TISSUE_HU.corticalBone;
    }
    const inWall = !inEllipse(x, y, BODY.cx, BODY.cy, innerA - 24, innerB - 24);
    for (let i = 0; inWall && i < ribs.length; i += 2) {
      const rx = ribs[i]!;
      const ry = ribs[i + 1]!;
      if (inEllipse(x, y, rx, ry, 6, 4.5)) {
        return inEllipse(x, y, rx, ry, 4.5, 3) ? TISSUE_HU.cancellousBone : TISSUE_HU.corticalBone;
      }
    }
    if (inWall && sternum && inEllipse(x, y, 0, sternumY, 15, 6)) return TISSUE_HU.cancellousBone;
    // Great vessels with contrast.
    if (hasDescending && sq(x - AORTA.descending[0]) + sq(y - AORTA.descending[1]) <= AORTA.radius * AORTA.radius) {
      return TISSUE_HU.contrastAorta;
    }
    if (hasAscending && sq(x - AORTA.ascending[0]) + sq(y - AORTA.ascending[1]) <= (AORTA.radius + 3) * (AORTA.radius + 3)) {
      return TISSUE_HU.contrastAorta;
    }
    if (hasArch && distanceToSegment(x, y, AORTA.ascending, AORTA.descending) <= AORTA.radius) {
      return TISSUE_HU.contrastAorta;
    }
    // Airways.
    if (hasTrachea && sq(x) + sq(y - TRACHEA.cy) <= TRACHEA.radius * TRACHEA.radius) return TISSUE_HU.air;
    if (hasBronchi && (sq(x - bronchusOffset) + sq(y - TRACHEA.cy) <= 36 || sq(x + bronchusOffset) + sq(y - TRACHEA.cy) <= 36)) {
      return TISSUE_HU.air;
    }
    if (heartS > 0 && inEllipse(x, y, HEART.cx, HEART.cy, heartA, heartB)) return TISSUE_HU.heart;
    for (let i = 0; i < lungParams.length; i += 5) {
      const cy = lungParams[i + 1]!;
      if (inEllipse(x, y, lungParams[i]!, cy, lungParams[i + 2]!, lungParams[i + 3]!)) {
        // Dependent lung is slightly denser: about ±20 HU from front to back.
        return TISSUE_HU.lung + ((y - cy) / lungParams[i + 4]!) * 20;
      }
    }
    if (hasLiver && inEllipse(x, y, LIVER.cx, LIVER.cy, liverA, liverB)) return TISSUE_HU.liver;
    if (!inEllipse(x, y, BODY.cx, BODY.cy, innerA, innerB)) return TISSUE_HU.fat;
    return TISSUE_HU.softTissue;
  };
}

/** Rib cross-sections in the chest wall; their pattern shifts with z as ribs run obliquely. */
function ribCentres(z: number, bodyA: number): Array<readonly [number, number]> {
  if (z < -130 || z > 140) return [];
  const centres: Array<readonly [number, number]> = [];
  for (let k = 0; k < RIB_COUNT; k++) {
    const angle = (k + 0.5) * ((2 * Math.PI) / RIB_COUNT);
    // Skip the anterior midline (sternum and costal cartilage) and the spine.
    if (Math.abs(Math.sin(angle)) > 0.93) continue;
    if (Math.sin(2 * Math.PI * (z / 24) + angle * 3) < 0.1) continue;
    centres.push([Math.cos(angle) * (bodyA - BODY.fat - 9), BODY.cy + Math.sin(angle) * (BODY.b - BODY.fat - 9)]);
  }
  return centres;
}
