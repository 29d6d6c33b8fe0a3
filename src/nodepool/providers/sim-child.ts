// One `hale sim --nodes 0 --control` child process and the client side of its
// control protocol (src/sim/cluster/control-protocol.ts): commands go as JSON
// lines to its stdin, replies are matched by id. The simulation runs in the
// child so the API server's event loop never carries thousands of
// heartbeats.
//
// Invariants: every request settles — with the reply, or with an Error
// carrying the child's last stderr lines when it exits first or the request
// times out; `close()` ends stdin (the child stops its heartbeats and exits)
// and SIGKILLs it if it has not exited after `closeGraceMs`; after close or
// exit nothing is sent any more.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../lib/log/log.js';
import { parseOutput, type ControlReply } from '../../sim/cluster/control-protocol.js';
import { relayLogLine, TailBuffer } from './output.js';

/** dist/src/cli/main.js */
export const HALE_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface SimChildOptions {
  server: string;
  token: string;
  log: Logger;
  lease?: { renewMs: number; durationSeconds: number };
  /** a request unanswered this long fails; default 120 s */
  requestTimeoutMs?: number;
  /** after stdin closed, SIGKILL when still running; default 10 s */
  closeGraceMs?: number;
}

interface Pending {
  resolve: (r: ControlReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SimChild {
  private readonly proc: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly stderr = new TailBuffer(20, 500);
  private nextId = 1;
  private exitError: Error | undefined;
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;

  constructor(private readonly o: SimChildOptions) {
    const lease = o.lease ?? { renewMs: 10_000, durationSeconds: 40 };
    const args = [HALE_MAIN, 'sim', '--server', o.server, '--token', o.token, '--nodes', '0', '--control', '--lease-renew', String(lease.renewMs / 1000), '--lease-duration', String(lease.durationSeconds)];
    this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const pid = this.proc.pid;
    o.log.info({ pid }, 'hale sim started');
    let markReady: () => void = () => undefined;
    let failReady: (err: Error) => void = () => undefined;
    this.ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    // Nobody may be waiting for ready: its failure is also every pending request's.
    this.ready.catch((err: unknown) => o.log.debug({ err: String(err) }, 'hale sim did not become ready'));
    createInterface({ input: this.proc.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      relayLogLine(o.log, line, { sim: pid });
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      const out = parseOutput(line);
      if (out.kind === 'ready') markReady();
      else if (out.kind === 'reply') this.settle(out.reply);
      else o.log.warn({ line: line.slice(0, 500) }, 'hale sim wrote an unexpected line');
    });
    // A child that exits closes stdin under us: writes then fail with EPIPE, reported through the exit.
    this.proc.stdin!.on('error', (err) => o.log.debug({ err: String(err) }, 'hale sim stdin closed'));
    this.exited = new Promise<void>((res) => {
      this.proc.once('error', (err) => {
        this.fail(new Error(`hale sim could not start: ${err.message}`));
        failReady(this.exitError!);
        res();
      });
      this.proc.once('exit', (code, signal) => {
        const tail = this.stderr.text();
        this.fail(new Error(`hale sim exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`));
        failReady(this.exitError!);
        o.log.info({ pid, code, signal }, 'hale sim exited');
        res();
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return !this.exitError;
  }

  private settle(r: ControlReply): void {
    if (typeof r.id !== 'number') {
      this.o.log.warn({ reply: r }, 'hale sim answered without an id');
      return;
    }
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    p.resolve(r);
  }

  private fail(err: Error): void {
    this.exitError ??= err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  /** Sends one command (without id) and resolves with the reply; an `ok: false` reply rejects with its error. */
  async request(cmd: Record<string, unknown>): Promise<ControlReply & { ok: true }> {
    if (this.exitError) throw this.exitError;
    const id = this.nextId++;
    const reply = await new Promise<ControlReply>((resolve, reject) => {
      const ms = this.o.requestTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`hale sim did not answer ${String(cmd.op)} within ${ms / 1000} s${this.stderr.text() ? `: ${this.stderr.text()}` : ''}`));
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      this.proc.stdin!.write(`${JSON.stringify({ id, ...cmd })}\n`);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /** Ends stdin (the sim stops its heartbeats and exits); SIGKILL after the grace. Resolves once it exited. */
  async close(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.stdin!.end();
      const t = setTimeout(() => this.proc.kill('SIGKILL'), this.o.closeGraceMs ?? 10_000);
      await this.exited;
      clearTimeout(t);
    }
    await this.exited;
  }
}
