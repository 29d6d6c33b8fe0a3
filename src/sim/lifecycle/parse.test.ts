// Stage parsing: a full stage and the defaults, then one test per kind of
// validation error, each checking the message names the file, the stage and
// the field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStages } from './parse.js';
import { StageError } from './stage-error.js';

const SRC = 'profiles/test/pod.yaml';

function stage(body: string): string {
  return `kind: Stage\nname: s1\nresource: Pod\n${body}`;
}

function fails(text: string, message: string | RegExp): void {
  assert.throws(
    () => parseStages(text, SRC),
    (err: unknown) => {
      assert.ok(err instanceof StageError, `not a StageError: ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('a stage with every field parses to its typed shape', () => {
  const [s, ...rest] = parseStages(
    stage(`selector:
  phase: [Running, Pending]
  deleting: false
  ready: true
  containersRunning: true
  restartPolicy: [Always, OnFailure]
  ownerKinds: [Job]
  matchLabels: {app: web}
  matchAnnotations: {sim.hale.dev/crash: "true"}
probability: 0.25
delay: {ms: 100, jitterMs: 400}
next:
  phase: Running
  containers: terminated
  exitCode: 3
  reason: OOMKilled
  restart: true
  event: {type: Warning, reason: BackOff, message: "x {{container}} {{pod}} {{namespace}} {{node}} {{uid}}"}
`),
    SRC,
  );
  assert.equal(rest.length, 0);
  assert.deepEqual(s, {
    name: 's1',
    resource: 'Pod',
    selector: {
      phase: ['Running', 'Pending'],
      deleting: false,
      ready: true,
      containersRunning: true,
      restartPolicy: ['Always', 'OnFailure'],
      ownerKinds: ['Job'],
      matchLabels: { app: 'web' },
      matchAnnotations: { 'sim.hale.dev/crash': 'true' },
    },
    probability: 0.25,
    delay: { kind: 'fixed', ms: 100, jitterMs: 400 },
    next: { phase: 'Running', containers: 'terminated', exitCode: 3, reason: 'OOMKilled', restart: true, event: { type: 'Warning', reason: 'BackOff', message: 'x {{container}} {{pod}} {{namespace}} {{node}} {{uid}}' } },
    source: SRC,
  });
});

test('defaults: empty selector, probability 1, no delay; backoff delay; several documents, empty ones skipped', () => {
  const stages = parseStages(`# comment only\n---\n${stage('next: {delete: true}')}\n---\n---\nkind: Stage\nname: s2\nresource: Pod\ndelay: {backoff: true}\nnext: {containers: running, restart: true}\n`, SRC);
  assert.deepEqual(
    stages.map((s) => [s.name, s.selector, s.probability, s.delay, s.next]),
    [
      ['s1', {}, 1, { kind: 'fixed', ms: 0, jitterMs: 0 }, { delete: true }],
      ['s2', {}, 1, { kind: 'backoff' }, { containers: 'running', restart: true }],
    ],
  );
});

test('the documented example message: a negative delay', () => {
  fails('kind: Stage\nname: pod-ready\nresource: Pod\ndelay: {ms: -1}\nnext: {phase: Running}\n', 'profiles/test/pod.yaml: stage "pod-ready": delay.ms: must be a number ≥ 0');
  fails(stage('delay: {jitterMs: -5}\nnext: {phase: Running}'), 'profiles/test/pod.yaml: stage "s1": delay.jitterMs: must be a number ≥ 0');
  fails(stage('delay: {ms: "100"}\nnext: {phase: Running}'), /delay\.ms: must be a number ≥ 0$/);
});

test('unknown keys are refused at every level', () => {
  fails(stage('nxt: {delete: true}\nnext: {delete: true}'), /^profiles\/test\/pod\.yaml: stage "s1": nxt: unknown field \(allowed: kind, name/);
  fails(stage('selector: {phases: [Running]}\nnext: {delete: true}'), /stage "s1": selector\.phases: unknown field/);
  fails(stage('delay: {seconds: 1}\nnext: {delete: true}'), /stage "s1": delay\.seconds: unknown field/);
  fails(stage('next: {delete: true, grace: 0}'), /stage "s1": next\.grace: unknown field/);
  fails(stage('next: {phase: Running, event: {type: Normal, reason: R, message: m, count: 2}}'), /stage "s1": next\.event\.count: unknown field/);
});

test('wrong types', () => {
  fails(stage('selector: {deleting: "yes"}\nnext: {delete: true}'), 'profiles/test/pod.yaml: stage "s1": selector.deleting: must be true or false');
  fails(stage('selector: {phase: Running}\nnext: {delete: true}'), /selector\.phase: must be a non-empty list of strings/);
  fails(stage('selector: {phase: [Runing]}\nnext: {delete: true}'), /selector\.phase\[0\]: must be one of Pending, Running, Succeeded, Failed, Unknown/);
  fails(stage('selector: {restartPolicy: [Sometimes]}\nnext: {delete: true}'), /selector\.restartPolicy\[0\]: must be one of Always, OnFailure, Never/);
  fails(stage('selector: {matchAnnotations: {sim.hale.dev/crash: true}}\nnext: {delete: true}'), /selector\.matchAnnotations\.sim\.hale\.dev\/crash: must be a string/);
  fails(stage('selector: [1]\nnext: {delete: true}'), /stage "s1": selector: must be a mapping/);
  fails(stage('next: {phase: Pending}'), /next\.phase: must be one of Running, Succeeded, Failed/);
  fails(stage('next: {containers: stopped}'), /next\.containers: must be one of running, terminated, waiting/);
  fails(stage('next: {containers: terminated, exitCode: 256}'), /next\.exitCode: must be an integer in \[0, 255\]/);
  fails(stage('next: {containers: terminated, exitCode: 1.5}'), /next\.exitCode: must be an integer in \[0, 255\]/);
  fails(stage('next: {phase: Running, event: {type: Error, reason: R, message: m}}'), /next\.event\.type: must be one of Normal, Warning/);
  fails('- kind: Stage\n', 'profiles/test/pod.yaml: document 1: must be a mapping');
});

test('probability outside [0, 1]', () => {
  fails(stage('probability: 1.5\nnext: {delete: true}'), 'profiles/test/pod.yaml: stage "s1": probability: must be a number in [0, 1]');
  fails(stage('probability: -0.1\nnext: {delete: true}'), /probability: must be a number in \[0, 1\]/);
  fails(stage('probability: "0.5"\nnext: {delete: true}'), /probability: must be a number in \[0, 1\]/);
});

test('delete combined with status fields, and other contradictions in next', () => {
  fails(stage('next: {delete: true, phase: Failed}'), 'profiles/test/pod.yaml: stage "s1": next.phase: must not be set with next.delete');
  fails(stage('next: {delete: true, restart: true}'), /next\.restart: must not be set with next\.delete/);
  fails(stage('next: {}'), /stage "s1": next: must set delete, a status field/);
  fails(stage('next: {delete: false}'), /stage "s1": next: must set delete, a status field/);
  fails(stage('selector: {}'), /stage "s1": next: required/);
  fails(stage('next: {phase: Succeeded, containers: running}'), /next\.containers: must be terminated \(or omitted\) with phase Succeeded/);
  fails(stage('next: {phase: Succeeded, exitCode: 2}'), /next\.exitCode: must be 0 with phase Succeeded/);
  fails(stage('next: {phase: Failed}'), /next\.exitCode: must be non-zero with phase Failed/);
  fails(stage('next: {containers: running, exitCode: 1}'), /next\.exitCode: only applies to terminated containers/);
  fails(stage('next: {phase: Running, reason: Foo}'), /next\.reason: only applies to terminated or waiting containers/);
  fails(stage('delay: {backoff: true, ms: 5}\nnext: {phase: Running}'), /delay\.ms: must not be set with delay\.backoff/);
  fails(stage('next: {phase: Running, event: {type: Normal, reason: R, message: "{{podName}}"}}'), /next\.event\.message: unknown placeholder \{\{podName\}\}/);
});

test('kind, name and resource are required and checked', () => {
  fails('name: s1\nresource: Pod\nnext: {delete: true}\n', 'profiles/test/pod.yaml: stage "s1": kind: must be Stage');
  fails('kind: Stage\nresource: Pod\nnext: {delete: true}\n', 'profiles/test/pod.yaml: document 1: name: must be a non-empty string');
  fails('kind: Stage\nname: Pod_Ready\nresource: Pod\nnext: {delete: true}\n', /stage "Pod_Ready": name: must be a DNS-1123 label/);
  fails(`kind: Stage\nname: ${'a'.repeat(64)}\nresource: Pod\nnext: {delete: true}\n`, /name: must be a DNS-1123 label/);
  fails('kind: Stage\nname: s1\nresource: Deployment\nnext: {delete: true}\n', 'profiles/test/pod.yaml: stage "s1": resource: must be Pod (the only resource simulated)');
  fails('kind: Stage\nname: s1\nnext: {delete: true}\n', /resource: must be Pod/);
});

test('duplicate names in one file', () => {
  fails(`${stage('next: {delete: true}')}\n---\n${stage('next: {phase: Running}')}`, 'profiles/test/pod.yaml: stage "s1": name: duplicate stage name');
});

test('YAML syntax errors name the file and the document', () => {
  fails(`${stage('next: {delete: true}')}\n---\nkind: Stage\nname: [unclosed\n`, /^profiles\/test\/pod\.yaml: document 2: YAML: /);
  fails('kind: Stage\nkind: Stage\n', /^profiles\/test\/pod\.yaml: document 1: YAML: .*[Mm]ap keys must be unique/);
});
