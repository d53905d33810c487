/** The Photon Ranch projects service (or its embedded stand-in). */
export interface ProjectsGateway {
  /**
   * The project with this id (`"<project name>#<created_at>"`), or undefined when there is none.
   * Throws UpstreamUnavailableError when the projects service cannot answer.
   */
  getProject(projectId: string): Promise<unknown | undefined>;
}

export const ProjectsGatewayToken = Symbol.for('ProjectsGateway');
