// A CNI runtime (spec 1.0, as libcni does it, in ~200 lines): execute one
// plugin binary with CNI_COMMAND / CNI_CONTAINERID / CNI_NETNS / CNI_IFNAME /
// CNI_ARGS / CNI_PATH in its environment and the network configuration on
// stdin; read its result or its error document from stdout. On top of that,
// run a network configuration list: ADD through the plugins in order, each
// getting the previous plugin's result as `prevResult`; CHECK in order and DEL
// in reverse order, each getting the cached ADD result as `prevResult`.
//
// Invariants:
// - a plugin failure is a `CniError` carrying the plugin's own code, msg and
//   details (or, when it printed no error document, its stderr);
// - a missing plugin binary is a `CniPluginMissingError` naming the Debian
//   package, before anything runs, so a half-configured sandbox is never left
//   behind for that reason;
// - DEL never stops at the first failing plugin: every plugin gets its DEL
//   (so the IPAM plugin still frees the address when e.g. portmap fails), then
//   the first failure is thrown. DEL tolerates a vanished netns: pass
//   `netns: ''` and the standard plugins release what lives outside it.
// - the child environment is only PATH plus the CNI variables: plugins must
//   not pick up the agent's unrelated settings.

import { join } from 'node:path';
import { isExecutableFile, runCommand, SYSTEM_BIN_DIRS } from './run-command.js';

export const CNI_SPEC_VERSION = '1.0.0';
export const CNI_PLUGINS_PACKAGE = 'containernetworking-plugins';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

/** One plugin's entry in a conflist; `name` and `cniVersion` are filled in from the list. */
export interface PluginConf {
  type: string;
  /** capabilities this plugin accepts through `runtimeConfig` (e.g. portMappings) */
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface NetworkConfList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

export interface CniInterface {
  name: string;
  mac?: string;
  /** the netns path for interfaces inside the sandbox; absent for host-side ones */
  sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR notation: 10.42.0.5/24 */
  address: string;
  gateway?: string;
  /** index into `interfaces` */
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: Record<string, unknown>;
}

/** Who the plugin acts for: one attachment (container id + interface name) in one netns. */
export interface CniRuntimeConf {
  containerId: string;
  /** path of the network namespace; '' on DEL/CHECK when it is already gone */
  netns: string;
  ifName: string;
  /** CNI_ARGS key/values */
  args?: Record<string, string>;
  /** values for plugins' declared capabilities, passed as `runtimeConfig` (e.g. { portMappings: [...] }) */
  capabilityArgs?: Record<string, unknown>;
}

export interface CniExecOptions {
  /** directory of the plugin binaries; also the plugins' CNI_PATH (bridge runs host-local from it) */
  binDir: string;
  /** per plugin invocation; default 60 s */
  timeoutMs?: number;
}

export interface CniErrorFields {
  plugin: string;
  command: CniCommand;
  /** the plugin's error code (1-99 spec-defined, 999 generic); 999 too when it printed no error document */
  code: number;
  msg: string;
  details?: string;
  /** what the plugin wrote to stderr (often the only clue when there is no error document) */
  stderr?: string;
}

export class CniError extends Error {
  readonly plugin: string;
  readonly command: CniCommand;
  readonly code: number;
  readonly msg: string;
  readonly details: string | undefined;
  readonly stderr: string;

  constructor(f: CniErrorFields) {
    super(`CNI ${f.command} ${f.plugin}: ${f.msg}${f.details ? ` (${f.details})` : ''} [code ${f.code}]`);
    this.name = 'CniError';
    this.plugin = f.plugin;
    this.command = f.command;
    this.code = f.code;
    this.msg = f.msg;
    this.details = f.details;
    this.stderr = f.stderr ?? '';
  }
}

export class CniPluginMissingError extends Error {
  constructor(
    readonly plugin: string,
    readonly binDir: string,
  ) {
    super(
      `CNI plugin ${JSON.stringify(plugin)} not found in ${binDir}; install the Debian package ` +
        `${CNI_PLUGINS_PACKAGE} (apt-get install ${CNI_PLUGINS_PACKAGE}) or point cniBinDir at the plugins`,
    );
    this.name = 'CniPluginMissingError';
  }
}

export function pluginPath(type: string, binDir: string): string {
  // A `type` with a slash would escape binDir.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(type)) throw new CniPluginMissingError(type, binDir);
  return join(binDir, type);
}

/** Throws CniPluginMissingError for the first plugin of `types` that is not an executable in binDir. */
export function assertPluginsPresent(types: readonly string[], binDir: string): void {
  for (const t of types) if (!isExecutableFile(pluginPath(t, binDir))) throw new CniPluginMissingError(t, binDir);
}

function childEnv(command: CniCommand, rt: CniRuntimeConf | undefined, binDir: string): NodeJS.ProcessEnv {
  // portmap runs iptables and finds it through PATH; a service's PATH often lacks sbin.
  const path = [...new Set([...(process.env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_BIN_DIRS])].join(':');
  const env: NodeJS.ProcessEnv = { PATH: path, CNI_COMMAND: command, CNI_PATH: binDir };
  if (rt) {
    env.CNI_CONTAINERID = rt.containerId;
    env.CNI_NETNS = rt.netns;
    env.CNI_IFNAME = rt.ifName;
    if (rt.args && Object.keys(rt.args).length > 0) {
      env.CNI_ARGS = Object.entries(rt.args)
        .map(([k, v]) => `${k}=${v}`)
        .join(';');
    }
  }
  return env;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // not JSON: the caller reports the raw text
    throw err;
  }
}

/**
 * Execute one plugin. `conf` is the complete stdin document (for a list entry:
 * with name, cniVersion, prevResult, runtimeConfig already filled in).
 * Returns the parsed stdout document (undefined when the plugin printed nothing, as DEL may).
 */
export async function invokePlugin(
  conf: PluginConf,
  rt: CniRuntimeConf | undefined,
  opts: CniExecOptions & { command: CniCommand },
): Promise<Record<string, unknown> | undefined> {
  const file = pluginPath(conf.type, opts.binDir);
  if (!isExecutableFile(file)) throw new CniPluginMissingError(conf.type, opts.binDir);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const r = await runCommand(file, [], {
    input: JSON.stringify(conf),
    env: childEnv(opts.command, rt, opts.binDir),
    timeoutMs,
  });
  const doc = parseJsonObject(r.stdout);
  if (r.code === 0 && !r.timedOut) {
    if (doc === undefined && r.stdout.trim() !== '') {
      throw new CniError({ plugin: conf.type, command: opts.command, code: 999, msg: 'plugin printed a non-JSON result', details: r.stdout.trim(), stderr: r.stderr });
    }
    return doc;
  }
  if (r.timedOut) throw new CniError({ plugin: conf.type, command: opts.command, code: 999, msg: `timed out after ${timeoutMs} ms`, stderr: r.stderr });
  if (doc && typeof doc.code === 'number') {
    throw new CniError({
      plugin: conf.type,
      command: opts.command,
      code: doc.code,
      msg: String(doc.msg ?? ''),
      details: typeof doc.details === 'string' && doc.details !== '' ? doc.details : undefined,
      stderr: r.stderr,
    });
  }
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  throw new CniError({ plugin: conf.type, command: opts.command, code: 999, msg: `plugin failed (${how}) without an error document`, details: r.stdout.trim() || undefined, stderr: r.stderr });
}

/** The CNI spec versions a plugin supports (CNI_COMMAND=VERSION). */
export async function pluginVersions(
  type: string,
  opts: CniExecOptions,
): Promise<{ cniVersion: string; supportedVersions: string[] }> {
  const doc = await invokePlugin({ type, cniVersion: CNI_SPEC_VERSION }, undefined, { ...opts, command: 'VERSION' });
  const supported = doc?.supportedVersions;
  if (!Array.isArray(supported)) {
    throw new CniError({ plugin: type, command: 'VERSION', code: 999, msg: 'VERSION answer without supportedVersions', details: JSON.stringify(doc) });
  }
  return { cniVersion: String(doc?.cniVersion ?? ''), supportedVersions: supported.map(String) };
}

/** The stdin document for list entry `plugin`, as libcni builds it. */
function entryConf(list: NetworkConfList, plugin: PluginConf, rt: CniRuntimeConf, prevResult: CniResult | undefined): PluginConf {
  const conf: PluginConf = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  if (prevResult) conf.prevResult = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, on] of Object.entries(plugin.capabilities ?? {})) {
    if (on && rt.capabilityArgs && cap in rt.capabilityArgs) runtimeConfig[cap] = rt.capabilityArgs[cap];
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}

function asResult(plugin: string, doc: Record<string, unknown> | undefined): CniResult {
  if (!doc || typeof doc.cniVersion !== 'string') {
    throw new CniError({ plugin, command: 'ADD', code: 999, msg: 'ADD returned no result', details: JSON.stringify(doc ?? null) });
  }
  if (doc.ips !== undefined && !Array.isArray(doc.ips)) {
    throw new CniError({ plugin, command: 'ADD', code: 999, msg: 'ADD result has a malformed ips field', details: JSON.stringify(doc) });
  }
  return doc as unknown as CniResult;
}

/** ADD every plugin of the list in order, chaining results; returns the last plugin's result. */
export async function addNetworkList(list: NetworkConfList, rt: CniRuntimeConf, opts: CniExecOptions): Promise<CniResult> {
  assertPluginsPresent(
    list.plugins.map((p) => p.type),
    opts.binDir,
  );
  let prev: CniResult | undefined;
  for (const plugin of list.plugins) {
    const doc = await invokePlugin(entryConf(list, plugin, rt, prev), rt, { ...opts, command: 'ADD' });
    prev = asResult(plugin.type, doc);
  }
  if (!prev) throw new CniError({ plugin: list.name, command: 'ADD', code: 7, msg: 'network configuration list has no plugins' });
  return prev;
}

/** CHECK every plugin in order against the cached ADD result. */
export async function checkNetworkList(
  list: NetworkConfList,
  rt: CniRuntimeConf,
  opts: CniExecOptions & { prevResult: CniResult },
): Promise<void> {
  for (const plugin of list.plugins) {
    await invokePlugin(entryConf(list, plugin, rt, opts.prevResult), rt, { ...opts, command: 'CHECK' });
  }
}

/**
 * DEL every plugin in reverse order, with the cached ADD result when there is
 * one. All plugins run even when one fails; then the first failure is thrown.
 * Repeating a DEL is harmless with the standard plugins (idempotent by spec).
 */
export async function delNetworkList(
  list: NetworkConfList,
  rt: CniRuntimeConf,
  opts: CniExecOptions & { prevResult?: CniResult },
): Promise<void> {
  assertPluginsPresent(
    list.plugins.map((p) => p.type),
    opts.binDir,
  );
  const failures: Error[] = [];
  for (const plugin of [...list.plugins].reverse()) {
    try {
      await invokePlugin(entryConf(list, plugin, rt, opts.prevResult), rt, { ...opts, command: 'DEL' });
    } catch (err) {
      // Keep going: a failed portmap DEL must not keep the IP allocated.
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `CNI DEL of ${list.name}: ${failures.map((f) => f.message).join('; ')}`);
}
