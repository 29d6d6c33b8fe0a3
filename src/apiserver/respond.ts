// Writing responses: JSON bodies, Kubernetes Status errors, warnings. Every
// error path of the API server ends in `sendError`, so every failure reaches
// the client as a Status with the right code and reason.

import type { ServerResponse } from 'node:http';
import { ApiError, internalError } from '../machinery/errors.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return internalError(msg);
}

export function sendError(res: ServerResponse, err: unknown): ApiError {
  const e = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return e;
  }
  sendJson(res, e.code, e.toStatus());
  return e;
}

/** Adds `Warning: 299 - "<msg>"` headers, which kubectl prints as `Warning: <msg>`. */
export function addWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length === 0) return;
  const values = warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]/g, ' '))}`);
  res.setHeader('Warning', values);
}

export function successStatus(details?: Record<string, unknown>): object {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
