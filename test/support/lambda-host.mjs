/**
 * Hosts the built Lambda bundle (dist/lambda/index.mjs) for tests: each HTTP request on loopback
 * becomes an API Gateway proxy event, payload v1 (REST API) or v2 (HTTP API) as LAMBDA_PAYLOAD says,
 * and the handler's result becomes the HTTP response. Prints `listening <url>` when ready.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const payload = process.env.LAMBDA_PAYLOAD === 'v2' ? 'v2' : 'v1';
const started = performance.now();
const { http } = await import(pathToFileURL(resolve('dist/lambda/index.mjs')).href);
const loadedMs = performance.now() - started;

function eventFor(req, body) {
  const url = new URL(req.url, 'http://lambda.local');
  const headers = {};
  for (const [key, value] of Object.entries(req.headers)) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  const query = url.searchParams.size ? Object.fromEntries(url.searchParams) : null;
  if (payload === 'v2') {
    return {
      version: '2.0', routeKey: '$default', rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
      ...(query ? { queryStringParameters: query } : {}),
      requestContext: { http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' }, requestId: randomUUID(), stage: '$default' },
      ...(body.length ? { body: body.toString('utf8') } : {}),
      isBase64Encoded: false,
    };
  }
  return {
    resource: '/{proxy+}', path: url.pathname, httpMethod: req.method, headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query, pathParameters: { proxy: url.pathname.slice(1) },
    requestContext: { httpMethod: req.method, path: `/test${url.pathname}`, stage: 'test', requestId: randomUUID(), identity: { sourceIp: '127.0.0.1' } },
    body: body.length ? body.toString('utf8') : null, isBase64Encoded: false,
  };
}

let first = true;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      const result = await http(eventFor(req, Buffer.concat(chunks)), { awsRequestId: randomUUID() });
      if (first) {
        first = false;
        const cpu = process.cpuUsage(cpu0);
        // The rest of the first request's time is spent waiting, mostly on DynamoDB.
        process.stdout.write(`cold-start load ${loadedMs.toFixed(1)} ms, first request ${(performance.now() - t0).toFixed(1)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms)\n`);
      }
      const headers = { ...(result.headers ?? {}) };
      for (const [k, values] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = values.join(', ');
      res.writeHead(result.statusCode, headers);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      res.writeHead(599, { 'content-type': 'text/plain' });
      res.end(`lambda host: handler threw: ${error instanceof Error ? error.stack : String(error)}`);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${server.address().port} (node ${process.version})\n`));
