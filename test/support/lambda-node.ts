// @ts-expect-error plain JavaScript helper shared with npm scripts and the benchmark
import { ensureLambdaNode, LAMBDA_NODE_VERSION } from '../../scripts/lambda-node.mjs';

/**
 * The Node.js binary the Lambda bundle is tested under: the major version of the Lambda runtime
 * (nodejs22.x), fetched into .cache on first use, whatever Node runs the tests themselves.
 */
export function lambdaNode(): string {
  return (ensureLambdaNode as () => string)();
}

export const lambdaNodeVersion = LAMBDA_NODE_VERSION as string;
