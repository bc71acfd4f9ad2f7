import type { LabelAttribute, LABEL_KINDS } from '../projects/project-schemas';

/** One label class of the demo's chest-finding taxonomy. */
export interface DemoLabel {
  readonly name: string;
  readonly colour: string;
  readonly hotkey: string;
  readonly kind: (typeof LABEL_KINDS)[number];
  readonly attributes?: readonly LabelAttribute[];
}

/** Findings a chest reading would label, as a radiologist expects them (plus one for the brain MR). */
export const DEMO_TAXONOMY: readonly DemoLabel[] = [
  {
    name: 'nodule',
    colour: '#e6194b',
    hotkey: 'n',
    kind: 'box3d',
    attributes: [{ key: 'solidity', type: 'enum', options: ['solid', 'part-solid', 'ground-glass'] }],
  },
  { name: 'mass', colour: '#f58231', hotkey: 'm', kind: 'box3d' },
  { name: 'consolidation', colour: '#ffe119', hotkey: 'c', kind: 'box2d' },
  { name: 'pleural effusion', colour: '#3cb44b', hotkey: 'e', kind: 'box2d' },
  { name: 'pneumothorax', colour: '#42d4f4', hotkey: 'p', kind: 'box2d' },
  { name: 'cardiomegaly', colour: '#4363d8', hotkey: 'h', kind: 'box2d' },
  { name: 'atelectasis', colour: '#911eb4', hotkey: 'a', kind: 'box2d' },
  { name: 'fracture', colour: '#f032e6', hotkey: 'f', kind: 'box2d' },
  { name: 'lesion', colour: '#bfef45', hotkey: 'l', kind: 'box2d' },
  { name: 'emphysema', colour: '#469990', hotkey: 'y', kind: 'finding' },
];

/** Demo accounts besides `admin`, with their role in the demo project. */
export const DEMO_USERS = [
  { username: 'reader1', role: 'reader' },
  { username: 'reader2', role: 'reader' },
  { username: 'reader3', role: 'reader' },
  { username: 'adjudicator', role: 'adjudicator' },
  { username: 'observer', role: 'observer' },
] as const;

export const DEMO_PROJECT_NAME = 'Demo: chest findings';
