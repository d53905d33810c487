import type { ProjectsGateway } from '../../application/ports/projects-gateway.port.js';
import type { SqliteDatabase } from './database.js';

/**
 * The embedded projects service: a `projects` table in the calendar's own database, used when
 * `PROJECTS_API_URL` is not set.
 */
export class SqliteProjectsGateway implements ProjectsGateway {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: SqliteDatabase) {
    this.select = db.prepare<[string], { body: string }>('SELECT body FROM projects WHERE project_id = ?');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO projects (project_id, body) VALUES (?, ?) ON CONFLICT (project_id) DO UPDATE SET body = excluded.body',
    );
    this.remove = db.prepare<[string]>('DELETE FROM projects WHERE project_id = ?');
  }

  async getProject(projectId: string): Promise<unknown | undefined> {
    const found = this.select.get(projectId);
    return found === undefined ? undefined : JSON.parse(found.body);
  }

  async createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void> {
    await this.saveProject(project.project_id, project);
  }

  async deleteProjects(projectIds: readonly string[]): Promise<void> {
    for (const id of projectIds) this.remove.run(id);
  }

  /** Stores a project under its id; used to seed the embedded service. */
  async saveProject(projectId: string, project: unknown): Promise<void> {
    this.upsert.run(projectId, JSON.stringify(project));
  }
}
