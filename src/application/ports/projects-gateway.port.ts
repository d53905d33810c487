import { token } from '../token.js';
/** The Photon Ranch projects service (or its embedded stand-in). */
export interface ProjectsGateway {
  /**
   * The project with this id (`"<project name>#<created_at>"`), or undefined when there is none.
   * Throws UpstreamUnavailableError when the projects service cannot answer.
   */
  getProject(projectId: string): Promise<unknown | undefined>;

  /** Creates (or replaces) a project; its `project_id` names it. Throws UpstreamUnavailableError on failure. */
  createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void>;

  /** Deletes projects made by the scheduler import. Throws UpstreamUnavailableError on failure. */
  deleteProjects(projectIds: readonly string[]): Promise<void>;
}

export const ProjectsGatewayToken = token<ProjectsGateway>('ProjectsGateway');
/**
 * The projects service as `/siteevents` with project details reads it: look-ups shared, a failing
 * service paused (GuardedProjectsGateway). The import has the plain one, ProjectsGatewayToken.
 */
export const ReadThroughProjectsGatewayToken = token<ProjectsGateway>('ReadThroughProjectsGateway');
