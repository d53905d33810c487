import type { ProjectsGateway } from '../../application/ports/projects-gateway.port.js';

/** Projects in a Map: the embedded projects service for `STORAGE=memory` and tests. */
export class InMemoryProjectsGateway implements ProjectsGateway {
  private readonly projects = new Map<string, unknown>();

  async getProject(projectId: string): Promise<unknown | undefined> {
    const project = this.projects.get(projectId);
    return project === undefined ? undefined : structuredClone(project);
  }

  async createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void> {
    await this.saveProject(project.project_id, project);
  }

  async deleteProjects(projectIds: readonly string[]): Promise<void> {
    for (const id of projectIds) this.projects.delete(id);
  }

  /** Stores a project under its id; used to seed the embedded service. */
  async saveProject(projectId: string, project: unknown): Promise<void> {
    this.projects.set(projectId, structuredClone(project));
  }
}
