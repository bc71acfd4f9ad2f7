import type { ProjectStore } from './project-store';

/**
 * The label names of a project's taxonomy, in taxonomy order: the `labels` rule of
 * `validateAnnotation(value, { labels })` from `@readingroom/model`. Empty for an unknown project.
 */
export async function projectLabelNames(store: Pick<ProjectStore, 'listLabels'>, projectId: string): Promise<string[]> {
  return (await store.listLabels(projectId)).map((label) => label.name);
}
