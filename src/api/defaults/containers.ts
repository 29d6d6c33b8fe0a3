// Container defaults (SetDefaults_Container, probes, handlers, ports):
// imagePullPolicy from the tag, terminationMessagePath/Policy, port protocol
// TCP, probe timings, httpGet path "/" and scheme HTTP, grpc service "",
// fieldRef apiVersion v1, canonical resource quantities, and `resources: {}`
// (the empty struct the Go server always writes back).

import { ensureObj, obj, objects, str, type JsonObject } from '../validation/json-read.js';
import { imageTag } from './image.js';
import { defaultResourceList } from './quantities.js';
import { defaultFieldRef } from './volumes.js';

function setIfMissing(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null || o[k] === '') o[k] = v;
}

function defaultHandler(h: JsonObject | undefined): void {
  if (!h) return;
  const http = obj(h.httpGet);
  if (http) {
    setIfMissing(http, 'path', '/');
    setIfMissing(http, 'scheme', 'HTTP');
  }
  const grpc = obj(h.grpc);
  if (grpc && (grpc.service === undefined || grpc.service === null)) grpc.service = '';
}

function defaultProbe(p: JsonObject | undefined): void {
  if (!p) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
  defaultHandler(p);
}

export function defaultContainer(c: JsonObject): void {
  if (!str(c.imagePullPolicy)) c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  setIfMissing(c, 'terminationMessagePath', '/dev/termination-log');
  setIfMissing(c, 'terminationMessagePolicy', 'File');
  for (const [port] of objects(c.ports)) setIfMissing(port, 'protocol', 'TCP');
  for (const [ev] of objects(c.env)) defaultFieldRef(obj(obj(ev.valueFrom)?.fieldRef));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(obj(c[kind]));
  const lc = obj(c.lifecycle);
  if (lc) {
    defaultHandler(obj(lc.postStart));
    defaultHandler(obj(lc.preStop));
  }
  const res = ensureObj(c, 'resources');
  defaultResourceList(res, 'limits');
  defaultResourceList(res, 'requests');
}
