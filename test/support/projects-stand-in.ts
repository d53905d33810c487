import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** The projects service on loopback: `POST /get-project {project_name, created_at}`. */
export class ProjectsStandIn {
  readonly projects = new Map<string, unknown>();
  requests = 0;
  failing = false;
  /** The status a failing stand-in answers with. */
  failingStatus = 500;
  /** How long each answer is held back, to make requests that depend on it slow. */
  delayMs = 0;
  /** Requests are read and never answered (until the stand-in stops). */
  hung = false;
  private server?: LoopbackServer;

  get url(): string {
    if (!this.server) throw new Error('projects stand-in not started');
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startLoopbackServer(async (req, res, body) => {
      this.requests += 1;
      if (this.hung) return;
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failing) {
        res.statusCode = this.failingStatus;
        res.end('internal error');
        return;
      }
      if (req.method === 'POST' && req.url === '/new-project') {
        const project = JSON.parse(body) as { project_name: string; created_at: string };
        this.projects.set(`${project.project_name}#${project.created_at}`, project);
        sendJson(res, 200, { message: 'created' });
        return;
      }
      if (req.method === 'POST' && req.url === '/delete-scheduler-projects') {
        const { project_ids } = JSON.parse(body) as { project_ids: string[] };
        for (const id of project_ids) this.projects.delete(id);
        sendJson(res, 200, { deleted: project_ids.length });
        return;
      }
      if (req.method !== 'POST' || req.url !== '/get-project') {
        res.statusCode = 404;
        res.end();
        return;
      }
      const { project_name, created_at } = JSON.parse(body) as { project_name: string; created_at: string };
      const project = this.projects.get(`${project_name}#${created_at}`);
      if (project === undefined) {
        res.statusCode = 404;
        res.end('Project not found');
      } else {
        sendJson(res, 200, project);
      }
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
