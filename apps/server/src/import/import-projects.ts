/** What the importer needs to know about a project. */
export interface ImportProject {
  readonly id: string;
  readonly settings: { readonly forceDeidentify: boolean };
}

/**
 * The slice of the project store the importer uses, injected so this folder does not depend on
 * the projects code. Until projects exist, `--project` / `?project=` answer "no such project".
 */
export interface ImportProjects {
  findProjectByName(name: string): ImportProject | null | Promise<ImportProject | null>;
  findProjectById(id: string): ImportProject | null | Promise<ImportProject | null>;
  linkStudy(projectId: string, studyUid: string): void | Promise<void>;
}

/** No projects at all. */
export const NO_PROJECTS: ImportProjects = {
  findProjectByName: () => null,
  findProjectById: () => null,
  linkStudy: () => {},
};
