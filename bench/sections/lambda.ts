/** The Lambda bundle: its size, and cold starts (load + first request) under the runtime's Node and this one. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain JavaScript helper shared with the tests
import { ensureLambdaNode, LAMBDA_NODE_VERSION } from '../../scripts/lambda-node.mjs';
import { freshTables, startDynamoDbLocal } from '../../test/support/dynamodb-local.js';
import { ISSUER, median, type Harness } from '../harness.js';

export const COLD_STARTS = 9;

/** The deployment package: every file under dir. */
function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? directoryBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

export async function lambdaSection(h: Harness) {
  execFileSync(process.execPath, ['scripts/build-lambda.mjs'], { stdio: 'ignore' });
  const bytes = directoryBytes('dist/lambda');
  const entry = statSync('dist/lambda/index.mjs').size;
  const result: Record<string, unknown> = { bundle_bytes: bytes, bundle_kib: Math.round(bytes / 1024), entry_kib: Math.round(entry / 1024) };
  if (!h.settings.skipDynamoDb) {
    const dynamo = await startDynamoDbLocal();
    const names = await freshTables(dynamo.endpoint);
    // First the Lambda runtime's Node major version (nodejs22.x), the headline figure; then this
    // machine's, for comparison with earlier runs.
    const runtimes = [{ version: `v${LAMBDA_NODE_VERSION as string}`, node: (ensureLambdaNode as () => string)() }, { version: process.version, node: process.execPath }];
    const byNode: Record<string, Record<string, unknown>> = {};
    for (const runtime of runtimes) {
      const samples: Array<{ load: number; first: number; first_cpu: number }> = [];
      // Run 0 is thrown away: it also pays DynamoDB Local's own JVM warm-up, which the real DynamoDB
      // never charges a cold Lambda.
      for (let i = 0; i <= COLD_STARTS; i++) {
        const { url, child } = await h.spawnListening(['test/support/lambda-host.mjs'], {
          LAMBDA_PAYLOAD: 'v2', STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: names.calendar,
          SCHEDULE_TRACKING_TABLE: names.scheduleTracking, AUTH_JWKS_URI: 'http://127.0.0.1:9/jwks', AUTH_ISSUER: ISSUER, LOG_LEVEL: 'silent',
        }, undefined, runtime.node);
        let out = '';
        child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
        await fetch(`${url}/siteevents`, { method: 'POST', body: JSON.stringify({ site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }) });
        await new Promise((r) => setTimeout(r, 50));
        const m = /load ([\d.]+) ms, first request ([\d.]+) ms \(cpu ([\d.]+) ms\)/.exec(out);
        if (!m) throw new Error(`lambda host printed no cold-start figures: ${out}`);
        if (i > 0) samples.push({ load: Number(m[1]), first: Number(m[2]), first_cpu: Number(m[3]) });
        child.kill('SIGKILL');
      }
      const rounded = (values: number[]): number => Math.round(median(values));
      const figures = {
        cold_start_ms_median: rounded(samples.map((s) => s.load + s.first)),
        load_ms_median: rounded(samples.map((s) => s.load)),
        first_request_ms_median: rounded(samples.map((s) => s.first)),
        first_request_cpu_ms_median: rounded(samples.map((s) => s.first_cpu)),
        samples,
      };
      byNode[runtime.version] = figures;
      h.log(`lambda on node ${runtime.version}: cold start (load + first request, median of ${COLD_STARTS}) ${figures.cold_start_ms_median} ms`
        + ` (medians: load ${figures.load_ms_median} ms, first request ${figures.first_request_ms_median} ms of which CPU ${figures.first_request_cpu_ms_median} ms)`);
    }
    result.cold_start_ms_median = byNode[runtimes[0]!.version]!.cold_start_ms_median;
    result.cold_start_by_node = byNode;
    await dynamo.stop();
  }
  h.log(`lambda: bundle ${result.bundle_kib} KiB (entry ${result.entry_kib} KiB)`);
  return result;
}
