/**
 * The whole AWS deployment of one stage: the HTTP API and its routes, the Lambda function serving
 * them (dist/lambda, built by `npm run build:lambda`), both DynamoDB tables with their GSIs and
 * point-in-time recovery, and IAM limited to those tables and the secrets in SSM (the site-proxy
 * secrets and the service keys).
 */
import cdk from 'aws-cdk-lib';
import apigw from 'aws-cdk-lib/aws-apigatewayv2';
import integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import dynamodb from 'aws-cdk-lib/aws-dynamodb';
import events from 'aws-cdk-lib/aws-events';
import targets from 'aws-cdk-lib/aws-events-targets';
import iam from 'aws-cdk-lib/aws-iam';
import lambda from 'aws-cdk-lib/aws-lambda';
import logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lambdaVariables } from '../src/bootstrap/setting.js';
import { SETTINGS } from '../src/bootstrap/settings.js';

export type Stage = 'dev' | 'prod';

/**
 * The settings a deployment passes from the deploying shell to the function (infra/app.ts): the
 * operator's choices. The stack sets the rest itself (storage, tables, stage, key sources), and the
 * server-only ones (port, SQLite, timeouts of a long-lived server) mean nothing on Lambda. Each
 * setting's declaration says which it is (`lambda` in src/bootstrap/settings.ts).
 */
export const FUNCTION_SETTINGS = lambdaVariables(SETTINGS, 'function');
/** Set by the stack itself or the Lambda runtime (SERVICE_API_KEYS: by infra/app.ts, only with the env key source). */
export const SET_BY_THE_STACK = lambdaVariables(SETTINGS, 'stack');
/** Read only by a long-lived server (its port, its SQLite file, its own import timer, its sockets). */
export const SERVER_ONLY = lambdaVariables(SETTINGS, 'server');

export interface CalendarStackProps extends cdk.StackProps {
  readonly stage: Stage;
  /** Folder holding the bundle's index.mjs. */
  readonly lambdaCodePath: string;
  /** Environment of the function: AUTH_JWKS_URI, AUTH_ISSUER, PROJECTS_API_URL, ... */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /**
   * Where the function reads its service keys: `ssm` (the default), the SecureString parameter
   * `/photonranch-calendar/<stage>/service-api-keys`, so the keys never stand in the template; or
   * `env`, SERVICE_API_KEYS in functionEnvironment.
   */
  readonly serviceApiKeysSource?: 'ssm' | 'env';
}

/**
 * Every route of the calendar API (CONTRACT.md) and of the service around it (the calendar page and
 * its files, its OpenAPI document, the reference page and its files, health, metrics), as API Gateway route keys. The stack test holds
 * this list to the OpenAPI document, so an operation added there and forgotten here fails.
 */
export const API_ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; path: string }> = [
  ...['/newevent', '/modifyevent', '/delete', '/event-history', '/restore-event', '/changes', '/add-projects-to-events', '/remove-project-from-events', '/siteevents',
    '/user-events-ending-after-time', '/get-event-at-time', '/is-user-scheduled', '/does-conflicting-event-exist',
    '/scheduler-observations', '/sites', '/availability', '/allowance'].map((path) => ({ method: 'POST' as const, path })),
  { method: 'POST', path: '/ical-feed' },
  // An API Gateway path variable must be a whole segment: the Lambda's router matches `{site}.ics`.
  { method: 'GET', path: '/ical/{file}' },
  { method: 'GET', path: '/ical/users/{file}' },
  { method: 'GET', path: '/import-schedules' },
  { method: 'GET', path: '/import-schedules/{subsite}' },
  { method: 'GET', path: '/me' },
  // The calendar page and its fingerprinted script and style sheet (GET /assets/<name>-<hash>.js).
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/assets/{file}' },
  { method: 'GET', path: '/about' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/docs/{file}' },
];

/**
 * The API Gateway route key of an OpenAPI path: a segment holding a variable beside other text
 * (`{site}.ics`) becomes the whole-segment variable `{file}`, which API Gateway allows.
 */
export function gatewayPath(openApiPath: string): string {
  return openApiPath.split('/').map((segment) => (/\{\w+\}/.test(segment) && !/^\{\w+\}$/.test(segment) ? '{file}' : segment)).join('/');
}

export class CalendarStack extends cdk.Stack {
  readonly calendarTable: dynamodb.Table;
  readonly trackingTable: dynamodb.Table;
  readonly httpFunction: lambda.Function;
  readonly importFunction: lambda.Function;
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: CalendarStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const removalPolicy = stage === 'prod' ? cdk.RemovalPolicy.RETAIN : cdk.RemovalPolicy.DESTROY;

    this.calendarTable = new dynamodb.Table(this, 'Calendar', {
      tableName: `calendar-${stage}`,
      partitionKey: { name: 'event_id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'start', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });
    this.calendarTable.addGlobalSecondaryIndex({
      indexName: 'site-end-index',
      partitionKey: { name: 'site', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'end', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.calendarTable.addGlobalSecondaryIndex({
      indexName: 'creatorid-end-index',
      partitionKey: { name: 'creator_id', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'end', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.trackingTable = new dynamodb.Table(this, 'ScheduleTracking', {
      tableName: `${stage}-schedule-tracking`,
      partitionKey: { name: 'ptr_site', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const serviceApiKeysSource = props.serviceApiKeysSource ?? 'ssm';
    if (serviceApiKeysSource === 'ssm' && props.functionEnvironment.SERVICE_API_KEYS !== undefined) {
      throw new Error('SERVICE_API_KEYS would stand in plain text in the template: put the keys in SSM (see README), or choose serviceApiKeysSource env');
    }
    const serviceApiKeysParameter = `photonranch-calendar/${stage}/service-api-keys`;
    const environment = {
      ...props.functionEnvironment,
      SERVICE_API_KEYS_SOURCE: serviceApiKeysSource,
      ...(serviceApiKeysSource === 'ssm' ? { SERVICE_API_KEYS_PARAMETER: `/${serviceApiKeysParameter}` } : {}),
      NODE_ENV: 'production',
      STORAGE: 'dynamodb',
      STAGE: stage,
      DYNAMODB_CALENDAR: this.calendarTable.tableName,
      SCHEDULE_TRACKING_TABLE: this.trackingTable.tableName,
      SITE_PROXY_SECRETS_SOURCE: 'ssm',
      IMPORT_ENABLED: 'false',
    };
    // The function gets exactly the permissions listed here: no managed policy beyond logging.
    const role = new iam.Role(this, 'HttpFunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    this.calendarTable.grantReadWriteData(role);
    this.trackingTable.grantReadWriteData(role);
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:GetParameters'],
      resources: [
        cdk.Arn.format({ service: 'ssm', resource: 'parameter', resourceName: 'site-proxy-secret/*' }, this),
        cdk.Arn.format({ service: 'ssm', resource: 'parameter', resourceName: serviceApiKeysParameter }, this),
      ],
    }));

    this.httpFunction = new lambda.Function(this, 'Http', {
      functionName: `photonranch-calendar-${stage}-http`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.http',
      code: lambda.Code.fromAsset(props.lambdaCodePath),
      memorySize: 1024,
      timeout: cdk.Duration.seconds(29),
      role,
      environment,
      logGroup: new logs.LogGroup(this, 'HttpLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy }),
    });

    // The LCO import, every 5 minutes, from the same bundle.
    this.importFunction = new lambda.Function(this, 'ImportSchedules', {
      functionName: `photonranch-calendar-${stage}-import-schedules`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.importSchedules',
      code: lambda.Code.fromAsset(props.lambdaCodePath),
      memorySize: 1024,
      timeout: cdk.Duration.minutes(4),
      reservedConcurrentExecutions: 1,
      role,
      environment,
      logGroup: new logs.LogGroup(this, 'ImportLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy }),
    });
    new events.Rule(this, 'ImportEveryFiveMinutes', {
      schedule: events.Schedule.rate(cdk.Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.importFunction, { retryAttempts: 0 })],
    });

    this.api = new apigw.HttpApi(this, 'Api', { apiName: `photonranch-calendar-${stage}`, createDefaultStage: true });
    const integration = new integrations.HttpLambdaIntegration('HttpIntegration', this.httpFunction, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    for (const route of API_ROUTES) {
      // OPTIONS goes to the function too: its CORS answer is the contract's, on every route.
      this.api.addRoutes({
        path: route.path,
        methods: [route.method === 'GET' ? apigw.HttpMethod.GET : apigw.HttpMethod.POST, apigw.HttpMethod.OPTIONS],
        integration,
      });
    }
    new cdk.CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
