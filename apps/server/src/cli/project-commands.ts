import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema';
import type { KeySource } from '../crypto/encryption-key';
import { openEncryption } from '../crypto/open-encryption';
import { DEFAULT_SETTINGS, ProjectDescriptionSchema, ProjectNameSchema, ProjectRoleSchema, PROJECT_ROLES } from '../projects/project-schemas';
import { ProjectNameTakenError, type ProjectStore } from '../projects/project-store';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { SqliteUserStore } from '../users/sqlite-user-store';
import type { UserStore } from '../users/user-store';
import { CliError, type CliIo } from './cli-io';

/** Recorded as `createdBy` of projects made on the command line (there is no logged-in user). */
export const CLI_ACTOR = 'cli';

export interface ProjectCliStores {
  readonly users: UserStore;
  readonly projects: ProjectStore;
}

/** Opens the user and project tables of a data directory's readingroom.db for one CLI command. */
export async function withProjectStores<T>(config: Pick<Config, 'dataDir'> & KeySource, fn: (stores: ProjectCliStores) => Promise<T>): Promise<T> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Refuses an encrypted directory without its key before any database is opened.
  const cipher = openEncryption(config.dataDir, config);
  const filename = join(config.dataDir, 'readingroom.db');
  const users = SqliteUserStore.open({ filename });
  try {
    const projects = SqliteProjectStore.open({ filename, cipher });
    try {
      return await fn({ users, projects });
    } finally {
      await projects.close();
    }
  } finally {
    await users.close();
  }
}

/** `project add`: creates a project with local images and no members. */
export async function addProject(projects: ProjectStore, name: string, options: { description?: string }, io: CliIo): Promise<void> {
  const parsedName = ProjectNameSchema.safeParse(name);
  if (!parsedName.success) throw new CliError('invalid project name: 1 to 100 characters');
  const description = ProjectDescriptionSchema.safeParse(options.description ?? '');
  if (!description.success) throw new CliError('invalid description: at most 2000 characters');
  try {
    const project = await projects.createProject({ name: parsedName.data, description: description.data, settings: DEFAULT_SETTINGS, createdBy: CLI_ACTOR });
    io.stdout(`created project "${project.name}" (${project.id})\n`);
  } catch (error) {
    if (error instanceof ProjectNameTakenError) throw new CliError(error.message);
    throw error;
  }
}

/** `project list`: one line per project: name, id, member count, image source. */
export async function listProjects(projects: ProjectStore, io: CliIo): Promise<void> {
  const all = await projects.listProjects();
  if (all.length === 0) io.stdout('no projects\n');
  for (const p of all) {
    const members = (await projects.listMembers(p.id)).length;
    io.stdout(`${p.name}\t${p.id}\t${members} member${members === 1 ? '' : 's'}\t${p.settings.source.type}\n`);
  }
}

/** `project member`: adds a user to a project (by name or id) with a role, or changes their role. */
export async function setProjectMember(stores: ProjectCliStores, projectRef: string, username: string, role: string, io: CliIo): Promise<void> {
  const parsedRole = ProjectRoleSchema.safeParse(role);
  if (!parsedRole.success) throw new CliError(`invalid role "${role}": one of ${PROJECT_ROLES.join(', ')}`);
  const project = (await stores.projects.findProjectByName(projectRef)) ?? (await stores.projects.getProject(projectRef));
  if (!project) throw new CliError(`no project "${projectRef}"`);
  const user = await stores.users.findByUsername(username);
  if (!user) throw new CliError(`no user "${username}"`);
  await stores.projects.setMember(project.id, user.id, parsedRole.data);
  io.stdout(`"${username}" is ${parsedRole.data} in "${project.name}"\n`);
}
