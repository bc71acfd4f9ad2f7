import type { ProjectStore } from './project-store';

/**
 * The project slice the importer asks for (`ImportProjects` in `import/import-projects.ts`,
 * matched structurally so neither folder imports the other): look a project up by name or id,
 * and link an imported study to it, recorded as added by `addedBy`.
 */
export function importProjectLinks(store: ProjectStore, addedBy: string) {
  return {
    findProjectByName: (name: string) => store.findProjectByName(name),
    findProjectById: (id: string) => store.getProject(id),
    linkStudy: async (projectId: string, studyUid: string): Promise<void> => {
      await store.addStudies(projectId, [studyUid], addedBy);
    },
  };
}
