/** The deployment, synthesized offline with CDK, has the resources the service needs and no more rights. */
import cdk from 'aws-cdk-lib';
import assertions from 'aws-cdk-lib/assertions';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROUTES, CalendarStack, FUNCTION_SETTINGS, gatewayPath, SERVER_ONLY, SET_BY_THE_STACK, type Stage } from '../../infra/calendar-stack.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/bootstrap/config.js';
import { openApiDocument } from '../../src/adapters/http/openapi.js';
import { buildRoutes } from '../../src/adapters/http/routes.js';
import type { UseCases } from '../../src/application/use-cases/index.js';
import { tempDir } from '../support/temp-dir.js';

const { Match, Template } = assertions;
const code = tempDir('lambda-code-');
writeFileSync(join(code.path, 'index.mjs'), 'export const http = async () => ({ statusCode: 200, body: "" });\n');
afterAll(() => code.remove());

const AUTH_ENV = { AUTH_JWKS_URI: 'https://tenant.example/.well-known/jwks.json', AUTH_ISSUER: 'https://tenant.example/' };

function synth(stage: Stage, extra: Partial<ConstructorParameters<typeof CalendarStack>[2]> = {}) {
  const app = new cdk.App();
  const stack = new CalendarStack(app, `photonranch-calendar-${stage}`, {
    stage,
    lambdaCodePath: code.path,
    functionEnvironment: AUTH_ENV,
    env: { account: '123456789012', region: 'us-east-1' },
    ...extra,
  });
  return Template.fromStack(stack);
}

describe.each(['dev', 'prod'] as const)('stage %s', (stage) => {
  const template = synth(stage);

  it('has the calendar table on the existing design: keys, both GSIs (projection ALL), point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `calendar-${stage}`,
      KeySchema: [{ AttributeName: 'event_id', KeyType: 'HASH' }, { AttributeName: 'start', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'site-end-index', KeySchema: [{ AttributeName: 'site', KeyType: 'HASH' }, { AttributeName: 'end', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({ IndexName: 'creatorid-end-index', KeySchema: [{ AttributeName: 'creator_id', KeyType: 'HASH' }, { AttributeName: 'end', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }),
      ]),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: `${stage}-schedule-tracking`,
      KeySchema: [{ AttributeName: 'ptr_site', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: stage === 'prod' ? 'Retain' : 'Delete' });
  });

  it('runs the bundle on nodejs22.x with DynamoDB storage and the stage\'s table names', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `photonranch-calendar-${stage}-http`,
      Runtime: 'nodejs22.x',
      Handler: 'index.http',
      Environment: { Variables: Match.objectLike({ STORAGE: 'dynamodb', STAGE: stage, NODE_ENV: 'production', AUTH_ISSUER: 'https://tenant.example/' }) },
    });
  });

  it('runs the LCO import from the same bundle every 5 minutes, one run at a time, with secrets from SSM', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `photonranch-calendar-${stage}-import-schedules`,
      Runtime: 'nodejs22.x',
      Handler: 'index.importSchedules',
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ SITE_PROXY_SECRETS_SOURCE: 'ssm', STORAGE: 'dynamodb' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
  });

  it('routes every API path (and its OPTIONS) of the HTTP API to the function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: `photonranch-calendar-${stage}`, ProtocolType: 'HTTP' });
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    for (const { method, path } of API_ROUTES) {
      expect(routeKeys).toContain(`${method} ${path}`);
      expect(routeKeys).toContain(`OPTIONS ${path}`);
    }
  });

  it('limits the function to its two tables (and their indexes) and the site-proxy secrets', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement);
    for (const statement of statements) {
      const resources = ([] as unknown[]).concat(statement.Resource);
      expect(resources.length).toBeGreaterThan(0);
      const text = JSON.stringify(resources);
      expect(text).not.toBe('["*"]');
      expect(text).toMatch(/Calendar|ScheduleTracking|site-proxy-secret|service-api-keys/);
    }
    const ssm = statements.find((s) => JSON.stringify(s.Action).includes('ssm:GetParameter'));
    expect(JSON.stringify(ssm?.Resource)).toContain(':parameter/site-proxy-secret/*');
    expect(JSON.stringify(ssm?.Resource)).toContain(`:parameter/photonranch-calendar/${stage}/service-api-keys`);
  });

  it('reads the service keys from SSM by default: no SERVICE_API_KEYS anywhere in the template', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SERVICE_API_KEYS_SOURCE: 'ssm', SERVICE_API_KEYS_PARAMETER: `/photonranch-calendar/${stage}/service-api-keys` }) },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SERVICE_API_KEYS"/);
  });
});

describe('service keys on the stack', () => {
  it('refuses SERVICE_API_KEYS in the environment while the source is ssm', () => {
    expect(() => synth('dev', { functionEnvironment: { ...AUTH_ENV, SERVICE_API_KEYS: 'a-key-of-16-chars-or-more' } })).toThrow(/plain text in the template/);
  });

  it('with source env, passes SERVICE_API_KEYS through as before', () => {
    const template = synth('dev', { functionEnvironment: { ...AUTH_ENV, SERVICE_API_KEYS: 'a-key-of-16-chars-or-more' }, serviceApiKeysSource: 'env' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SERVICE_API_KEYS_SOURCE: 'env', SERVICE_API_KEYS: 'a-key-of-16-chars-or-more' }) },
    });
  });
});

it('the deployment routes every operation of the OpenAPI document, and the files of the page and of /docs', () => {
  const document = openApiDocument(buildRoutes({} as UseCases), { version: 'test', anonymousProjectLinks: false, tokenHint: '', settings: loadConfig({}) }) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${gatewayPath(path)}`));
  expect(operations.length).toBeGreaterThanOrEqual(19);
  const deployed = API_ROUTES.map((r) => `${r.method} ${r.path}`);
  expect(deployed.sort()).toEqual([...operations, 'GET /assets/{file}', 'GET /docs/{file}'].sort());
  // The feed paths as API Gateway allows them: every variable a whole segment.
  expect(gatewayPath('/ical/{site}.ics')).toBe('/ical/{file}');
  expect(gatewayPath('/ical/users/{key}.ics')).toBe('/ical/users/{file}');
  expect(deployed.every((route) => route.split(' ')[1]!.split('/').every((segment) => !segment.includes('{') || /^\{\w+\}$/.test(segment)))).toBe(true);
});

it("a deployment passes every setting of the configuration that means something on Lambda (SITES and the feeds' included), and each variable is placed once", () => {
  const placed = [...FUNCTION_SETTINGS, ...SET_BY_THE_STACK, ...SERVER_ONLY];
  expect([...placed].sort()).toEqual([...CONFIG_VARIABLES].sort());
  expect(new Set(placed).size).toBe(placed.length);
  for (const name of ['SITES', 'REQUIRE_NIGHT', 'NIGHT_DARKNESS', 'ICAL_DOMAIN', 'PUBLIC_URL']) expect(FUNCTION_SETTINGS).toContain(name);
});
