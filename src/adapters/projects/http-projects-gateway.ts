import got, { type Got } from 'got';
import type { ProjectsGateway } from '../../application/ports/projects-gateway.port.js';
import { UpstreamUnavailableError } from '../../domain/errors.js';

interface HttpProjectsOptions {
  /** Base URL of the projects service, e.g. https://projects.photonranch.org/projects/ */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Told of each failed call with the details (the error thrown says only which service failed). */
  readonly onError?: (error: unknown, what: string) => void;
}

/** `"<name>#<created_at>"` → its two parts; the name may itself contain '#'. */
export function splitProjectId(projectId: string): { project_name: string; created_at: string } {
  const at = projectId.lastIndexOf('#');
  return at < 0
    ? { project_name: projectId, created_at: '' }
    : { project_name: projectId.slice(0, at), created_at: projectId.slice(at + 1) };
}

/**
 * The Photon Ranch projects service over HTTP: `POST get-project {project_name, created_at}` answers
 * 200 with the project. A 4xx means there is no such project; 5xx, timeouts and refused connections
 * mean the service is unavailable. Errors say which call failed in plain words (they can reach
 * anonymous callers); the details go to `onError`, for the log.
 */
export class HttpProjectsGateway implements ProjectsGateway {
  private readonly http: Got;

  constructor(private readonly options: HttpProjectsOptions) {
    const prefixUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.http = got.extend({
      prefixUrl,
      timeout: { request: options.timeoutMs ?? 5000 },
      retry: { limit: options.retries ?? 2, methods: ['POST'], statusCodes: [502, 503, 504] },
      throwHttpErrors: false,
    });
  }

  async getProject(projectId: string): Promise<unknown | undefined> {
    let response;
    try {
      response = await this.http.post('get-project', { json: splitProjectId(projectId), responseType: 'text' });
    } catch (error) {
      this.options.onError?.(error, 'get project');
      throw new UpstreamUnavailableError('The projects service could not be reached.');
    }
    if (response.statusCode >= 500) {
      throw new UpstreamUnavailableError(`The projects service answered ${response.statusCode}.`);
    }
    if (response.statusCode !== 200) return undefined;
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new UpstreamUnavailableError('The projects service answered with malformed JSON.');
    }
  }

  async createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void> {
    await this.expectSuccess('new-project', project, `create project ${project.project_id}`);
  }

  async deleteProjects(projectIds: readonly string[]): Promise<void> {
    if (projectIds.length === 0) return;
    await this.expectSuccess('delete-scheduler-projects', { project_ids: projectIds }, 'delete scheduler projects');
  }

  private async expectSuccess(path: string, body: unknown, what: string): Promise<void> {
    let status: number;
    try {
      status = (await this.http.post(path, { json: body, responseType: 'text' })).statusCode;
    } catch (error) {
      this.options.onError?.(error, what);
      throw new UpstreamUnavailableError(`The projects service could not ${what}: it could not be reached.`);
    }
    if (status < 200 || status >= 300) throw new UpstreamUnavailableError(`The projects service could not ${what}: it answered ${status}.`);
  }
}
