// `paths` of a group-version's OpenAPI v3 document: for every served
// resource the collection path, the item path, the all-namespaces list path
// (namespaced kinds) and the subresource paths, with one operation per verb
// the catalogue allows. Every operation names its kind in
// `x-kubernetes-group-version-kind`; every write names `fieldValidation`.
// PATCH operations deliberately have no `requestBody`: listing
// `application/strategic-merge-patch+json` there makes kubectl build
// strategic merge patches from these schemas, which have no patch merge keys.

import { rootModelFor, subresourceSchemaFor, type SubresourceKind } from '../../api/schema/kinds.js';
import { isModel, modelSchema } from '../../api/schema/build.js';
import type { ResourceInfo, SubresourceInfo } from '../../api/resources.js';
import { operationParameters, pathParam, PRETTY, type OperationKind } from './parameters.js';
import type { GVK, JsonObject, SchemaCollector } from './schemas.js';

type Action = 'list' | 'post' | 'deletecollection' | 'get' | 'put' | 'patch' | 'delete';

const ACTION: Readonly<Record<OperationKind, Action>> = {
  list: 'list', create: 'post', read: 'get', replace: 'put', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection', log: 'get',
};

const METHOD: Readonly<Record<OperationKind, 'get' | 'post' | 'put' | 'patch' | 'delete'>> = {
  list: 'get', create: 'post', read: 'get', replace: 'put', patch: 'patch', delete: 'delete', deletecollection: 'delete', log: 'get',
};

/** Verbs of the catalogue → the operations they allow on the collection and on the item. */
type ResourceOperation = Exclude<OperationKind, 'log'>;
const COLLECTION_OPS: ReadonlyArray<[string, ResourceOperation]> = [['list', 'list'], ['create', 'create'], ['deletecollection', 'deletecollection']];
const ITEM_OPS: ReadonlyArray<[string, ResourceOperation]> = [['get', 'read'], ['update', 'replace'], ['delete', 'delete'], ['patch', 'patch']];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `Core`, `Apps`, `Coordination`: the group part of Kubernetes' operation ids and tags. */
function groupWord(group: string): string {
  return group === '' ? 'core' : group.split('.')[0] ?? group;
}

function content(schema: JsonObject, type = 'application/json'): JsonObject {
  return { [type]: { schema } };
}

function responses(codes: Array<[string, JsonObject]>, type = 'application/json'): JsonObject {
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  const out: JsonObject = {};
  for (const [code, schema] of codes) out[code] = { description: text[code] ?? code, content: content(schema, type) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OperationSpec {
  op: OperationKind;
  operationId: string;
  description: string;
  tag: string;
  gvk: GVK;
  responses: JsonObject;
  requestBody?: JsonObject;
}

function operation(s: OperationSpec): JsonObject {
  const out: JsonObject = {
    tags: [s.tag],
    description: s.description,
    operationId: s.operationId,
  };
  const params = operationParameters(s.op);
  if (params.length > 0) out.parameters = params;
  // Never on PATCH (see the top of this file), whatever a caller passes.
  if (s.requestBody && s.op !== 'patch') out.requestBody = s.requestBody;
  out.responses = s.responses;
  out['x-kubernetes-action'] = ACTION[s.op];
  out['x-kubernetes-group-version-kind'] = { group: s.gvk.group, kind: s.gvk.kind, version: s.gvk.version };
  return out;
}

function body(schema: JsonObject): JsonObject {
  return { content: { '*/*': { schema } }, required: true };
}

/** The root and list models of a served kind; throws when client-node lacks one (a catalogue bug). */
export function modelsOf(r: ResourceInfo): { model: string; listModel: string | undefined } {
  const model = rootModelFor(r);
  if (model === undefined) throw new Error(`openapi: no client-node model for ${r.group}/${r.version} ${r.kind}`);
  const listModel = `${model}List`;
  return { model, listModel: isModel(listModel) ? listModel : undefined };
}

function subresourceKind(sub: SubresourceInfo): SubresourceKind | undefined {
  return sub.kind === 'Scale' || sub.kind === 'Binding' || sub.kind === 'Eviction' ? sub.kind : undefined;
}

/** Adds the paths of one resource to `paths`. */
export function addResourcePaths(paths: JsonObject, r: ResourceInfo, schemas: SchemaCollector): void {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const gvWord = `${capitalize(groupWord(r.group))}${capitalize(r.version)}`;
  const tag = `${groupWord(r.group)}_${r.version}`;
  const gvk: GVK = { group: r.group, version: r.version, kind: r.kind };
  const { model, listModel } = modelsOf(r);
  const objectRef = schemas.add(modelSchema(model));
  const listRef = listModel === undefined ? objectRef : schemas.add(modelSchema(listModel));
  const statusRef = schemas.add(modelSchema('V1Status'));
  const deleteOptionsRef = schemas.add(modelSchema('V1DeleteOptions'));
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const pathParams = (withName: boolean): JsonObject[] => [
    ...(withName ? [pathParam('name', r.kind)] : []),
    ...(r.namespaced ? [pathParam('namespace', r.kind)] : []),
    PRETTY,
  ];
  const id = (verb: string): string => `${verb}${gvWord}${scope}${r.kind}`;

  const specs: Record<ResourceOperation, () => Omit<OperationSpec, 'op' | 'tag' | 'gvk'>> = {
    list: () => ({ operationId: id('list'), description: `list or watch objects of kind ${r.kind}`, responses: responses([['200', listRef]]) }),
    create: () => ({
      operationId: id('create'), description: `create a ${r.kind}`, requestBody: body(objectRef),
      responses: responses([['200', objectRef], ['201', objectRef], ['202', objectRef]]),
    }),
    deletecollection: () => ({
      operationId: `delete${gvWord}Collection${scope}${r.kind}`, description: `delete collection of ${r.kind}`,
      requestBody: { content: { '*/*': { schema: deleteOptionsRef } } }, responses: responses([['200', statusRef]]),
    }),
    read: () => ({ operationId: id('read'), description: `read the specified ${r.kind}`, responses: responses([['200', objectRef]]) }),
    replace: () => ({
      operationId: id('replace'), description: `replace the specified ${r.kind}`, requestBody: body(objectRef),
      responses: responses([['200', objectRef], ['201', objectRef]]),
    }),
    delete: () => ({
      operationId: id('delete'), description: `delete a ${r.kind}`,
      requestBody: { content: { '*/*': { schema: deleteOptionsRef } } },
      responses: responses([['200', objectRef], ['202', objectRef]]),
    }),
    patch: () => ({
      operationId: id('patch'), description: `partially update the specified ${r.kind}`,
      responses: responses([['200', objectRef], ['201', objectRef]]),
    }),
  };

  const collection: JsonObject = {};
  for (const [verb, op] of COLLECTION_OPS) {
    if (r.verbs.includes(verb)) collection[METHOD[op]] = operation({ op, tag, gvk, ...specs[op]() });
  }
  collection.parameters = pathParams(false);
  paths[base] = collection;

  const item: JsonObject = {};
  for (const [verb, op] of ITEM_OPS) {
    if (r.verbs.includes(verb)) item[METHOD[op]] = operation({ op, tag, gvk, ...specs[op]() });
  }
  item.parameters = pathParams(true);
  paths[`${base}/{name}`] = item;

  if (r.namespaced && r.verbs.includes('list')) {
    paths[`${prefix}/${r.plural}`] = {
      get: operation({
        op: 'list', tag, gvk, operationId: `list${gvWord}${r.kind}ForAllNamespaces`,
        description: `list or watch objects of kind ${r.kind}`, responses: responses([['200', listRef]]),
      }),
      parameters: [PRETTY],
    };
  }

  for (const sub of r.subresources) addSubresourcePaths(paths, { r, sub, base, tag, gvWord, scope, gvk, objectRef, schemas, params: pathParams(true) });
}

interface SubresourceContext {
  r: ResourceInfo;
  sub: SubresourceInfo;
  base: string;
  tag: string;
  gvWord: string;
  scope: string;
  gvk: GVK;
  objectRef: JsonObject;
  schemas: SchemaCollector;
  params: JsonObject[];
}

function addSubresourcePaths(paths: JsonObject, c: SubresourceContext): void {
  const { r, sub } = c;
  const Sub = capitalize(sub.name);
  const id = (verb: string): string => `${verb}${c.gvWord}${c.scope}${r.kind}${Sub}`;
  // Scale, Binding and Eviction speak their own kind; status, log and finalize the parent's.
  const kind = subresourceKind(sub);
  const ref = kind === undefined ? c.objectRef : c.schemas.add(subresourceSchemaFor(kind));
  const gvk: GVK = { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
  const what = `${sub.name} of the specified ${r.kind}`;
  const item: JsonObject = {};
  const add = (op: OperationKind, spec: Omit<OperationSpec, 'op' | 'tag' | 'gvk'>): void => {
    item[METHOD[op]] = operation({ op, tag: c.tag, gvk, ...spec });
  };
  if (sub.name === 'log') {
    add('log', { operationId: id('read'), description: `read log of the specified ${r.kind}`, responses: responses([['200', { type: 'string' }]], 'text/plain') });
  } else {
    if (sub.verbs.includes('get')) add('read', { operationId: id('read'), description: `read ${what}`, responses: responses([['200', ref]]) });
    if (sub.verbs.includes('create')) {
      add('create', {
        operationId: id('create'), description: `create ${what}`, requestBody: body(ref),
        responses: responses([['200', ref], ['201', ref], ['202', ref]]),
      });
    }
    if (sub.verbs.includes('update')) {
      add('replace', { operationId: id('replace'), description: `replace ${what}`, requestBody: body(ref), responses: responses([['200', ref], ['201', ref]]) });
    }
    if (sub.verbs.includes('patch')) {
      add('patch', { operationId: id('patch'), description: `partially update ${what}`, responses: responses([['200', ref], ['201', ref]]) });
    }
  }
  item.parameters = c.params;
  paths[`${c.base}/{name}/${sub.name}`] = item;
}
