// The agent's answer to GET /containerLogs/{ns}/{pod}/{container}: picks the
// container instance (the latest, or with `previous` the one before, as the
// kubelet does), and streams its log with kubectl's options. With `follow`
// it keeps the response open and sends new lines as they are written (a
// rotation is followed into the new file) until the container exits and its
// log is drained, or the client goes away.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../../api/object.js';
import type { Runtime, ContainerInfo } from '../runtime/runtime.js';
import { AgentHttpError, type LogQuery } from '../server/agent-server.js';
import { CriLineParser, formatLine, readFrom, readLog, type LogOptions } from './cri-log.js';

export interface ServeLogsInput {
  q: LogQuery;
  req: IncomingMessage;
  res: ServerResponse;
  runtime: Runtime | undefined;
  findPod(namespace: string, name: string): KObject | undefined;
  /** how often a followed log is checked for growth, default 100 ms */
  pollMs?: number;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AgentHttpError(400, `invalid ${name}: ${v}`);
  return n;
}

export function pickInstance(all: ContainerInfo[], previous: boolean, pod: string, container: string): ContainerInfo {
  const list = [...all].sort((a, b) => b.attempt - a.attempt);
  if (previous) {
    const prev = list[1];
    if (!prev) throw new AgentHttpError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    return prev;
  }
  const cur = list[0];
  if (!cur) throw new AgentHttpError(400, `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
  return cur;
}

export async function serveLogs(i: ServeLogsInput): Promise<void> {
  const { q, res } = i;
  const pod = i.findPod(q.namespace, q.pod);
  if (!pod || !i.runtime) throw new AgentHttpError(404, `pod "${q.pod}" in namespace "${q.namespace}" is not on this node`);
  const runtime = i.runtime;
  const uid = pod.metadata.uid ?? '';
  const instances = runtime.listContainers().filter((c) => c.podUid === uid && c.name === q.container);
  const inst = pickInstance(instances, q.query.get('previous') === 'true', q.pod, q.container);
  const opts: LogOptions = { timestamps: q.query.get('timestamps') === 'true' };
  const tail = intParam(q.query, 'tailLines');
  if (tail !== undefined) opts.tailLines = tail;
  const sinceSeconds = intParam(q.query, 'sinceSeconds');
  const sinceTime = q.query.get('sinceTime');
  if (sinceSeconds !== undefined) opts.sinceMs = Date.now() - sinceSeconds * 1000;
  else if (sinceTime) opts.sinceMs = Date.parse(sinceTime);
  let budget = intParam(q.query, 'limitBytes') ?? Infinity;
  const follow = q.query.get('follow') === 'true';

  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const write = (s: string): boolean => {
    if (budget <= 0) return false;
    const b = Buffer.from(s);
    if (b.length > budget) {
      res.write(b.subarray(0, budget));
      budget = 0;
      return false;
    }
    budget -= b.length;
    res.write(b);
    return true;
  };
  const { lines, offset: start } = await readLog(inst.logPath, opts);
  for (const l of lines) if (!write(formatLine(l, !!opts.timestamps))) break;
  if (!follow || budget <= 0) {
    res.end();
    return;
  }
  let closed = false;
  i.req.on('close', () => (closed = true));
  const parser = new CriLineParser();
  let offset = start;
  for (;;) {
    if (closed) return;
    const running = runtime.containerStatus(inst.id)?.state === 'running';
    const chunk = await readFrom(inst.logPath, offset);
    offset = chunk.offset;
    for (const rec of chunk.records) {
      const l = parser.push(rec);
      if (l && !write(formatLine(l, !!opts.timestamps))) {
        res.end();
        return;
      }
    }
    if (!running && chunk.records.length === 0 && !chunk.rotated) break;
    if (chunk.records.length === 0) await new Promise((r) => setTimeout(r, i.pollMs ?? 100));
  }
  res.end();
}
