/** A window/level preset: centre and width in modality units (HU for CT). */
export interface VoiPreset {
  readonly name: string;
  readonly key: string;
  readonly center: number;
  readonly width: number;
}

const CT: readonly VoiPreset[] = [
  { name: 'Lung', key: '1', center: -600, width: 1500 },
  { name: 'Mediastinum', key: '2', center: 40, width: 400 },
  { name: 'Bone', key: '3', center: 400, width: 1800 },
  { name: 'Brain', key: '4', center: 40, width: 80 },
  { name: 'Abdomen', key: '5', center: 60, width: 400 },
];

/** Presets for a modality; modalities without calibrated units get none (use "reset"). */
export function presetsFor(modality: string | null): readonly VoiPreset[] {
  return modality === 'CT' ? CT : [];
}

export function voiRangeOf(preset: Pick<VoiPreset, 'center' | 'width'>): { lower: number; upper: number } {
  return { lower: preset.center - preset.width / 2, upper: preset.center + preset.width / 2 };
}
