/**
 * Adapters whose code is loaded on first use. On Lambda every module evaluated at a cold start is paid
 * for by the first request, and these (got with its HTTP/2 and cache layers, jwks-rsa with jose) serve
 * only some requests: protected routes, project details, the LCO import.
 */
import type { LcoClient, Schedule, ScheduleQuery } from '../application/ports/lco-client.port.js';
import type { ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import type { TokenHeader, TokenKeys, VerificationKey } from '../application/ports/token-keys.port.js';

/** One load, shared by every caller; a failed load is tried again by the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

export class LazyTokenKeys implements TokenKeys {
  private readonly keys: () => Promise<TokenKeys>;

  constructor(load: () => Promise<TokenKeys>) {
    this.keys = once(load);
  }

  async keyFor(header: TokenHeader): Promise<VerificationKey> {
    return (await this.keys()).keyFor(header);
  }

  async prefetch(): Promise<void> {
    await (await this.keys()).prefetch?.();
  }
}

export class LazyProjectsGateway implements ProjectsGateway {
  private readonly gateway: () => Promise<ProjectsGateway>;

  constructor(load: () => Promise<ProjectsGateway>) {
    this.gateway = once(load);
  }

  async getProject(projectId: string): Promise<unknown | undefined> {
    return (await this.gateway()).getProject(projectId);
  }

  async createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void> {
    return (await this.gateway()).createProject(project);
  }

  async deleteProjects(projectIds: readonly string[]): Promise<void> {
    return (await this.gateway()).deleteProjects(projectIds);
  }
}

export class LazyLcoClient implements LcoClient {
  private readonly client: () => Promise<LcoClient>;

  constructor(load: () => Promise<LcoClient>) {
    this.client = once(load);
  }

  async fetchSchedule(query: ScheduleQuery, secret: string): Promise<Schedule> {
    return (await this.client()).fetchSchedule(query, secret);
  }

  async lastScheduleTime(wema: string, secret: string): Promise<string | undefined> {
    return (await this.client()).lastScheduleTime(wema, secret);
  }
}
