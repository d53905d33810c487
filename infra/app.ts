/**
 * CDK app: `npx aws-cdk@2 deploy --app "npx tsx infra/app.ts" -c stage=dev` (see README).
 * The function's settings come from the deploying shell's environment.
 */
import cdk from 'aws-cdk-lib';
import { resolve } from 'node:path';
import { CalendarStack, FUNCTION_SETTINGS, type Stage } from './calendar-stack.js';

const app = new cdk.App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
if (stage !== 'dev' && stage !== 'prod') throw new Error(`unknown stage ${stage}: use -c stage=dev or -c stage=prod`);

// The service keys come from SSM unless SERVICE_API_KEYS_SOURCE=env is set in the deploying shell.
const serviceApiKeysSource = process.env.SERVICE_API_KEYS_SOURCE === 'env' ? 'env' : 'ssm';
const passThrough = [...FUNCTION_SETTINGS, ...(serviceApiKeysSource === 'env' ? ['SERVICE_API_KEYS'] : [])];
const functionEnvironment = Object.fromEntries(passThrough.flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));

new CalendarStack(app, `photonranch-calendar-${stage}`, {
  stage: stage as Stage,
  lambdaCodePath: resolve('dist/lambda'),
  functionEnvironment,
  serviceApiKeysSource,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
