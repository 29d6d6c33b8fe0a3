// `GET /openapi/v3` and `GET /openapi/v3/<api/v1|apis/<group>/<version>>`:
// one OpenAPI 3.0 document per served group-version, built from the schema
// nodes the strict decoder uses, so `kubectl explain` and field validation
// describe the same fields. Each document is built once, on first request,
// and kept with its serialized text and hash: the index's `?hash=` is the
// uppercase hex SHA-512 of the document's bytes, as kube-apiserver computes
// it, so clients can cache by URL and the server can answer with an ETag.
// Invariants: the documents never change while the process runs; every
// `$ref` resolves inside its own document.

import { createHash } from 'node:crypto';
import { modelSchema } from '../../api/schema/build.js';
import { groupVersion, RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { addResourcePaths, modelsOf } from './paths.js';
import { SchemaCollector, type GVK, type JsonObject } from './schemas.js';

/** Reported in `info.version`; matches the Kubernetes minor hale's /version claims. */
const KUBERNETES_VERSION = 'v1.32.0';

export interface SerializedDocument {
  /** the document, parsed (do not modify: it is shared) */
  doc: JsonObject;
  /** the exact bytes to send */
  body: string;
  /** uppercase hex SHA-512 of `body`; also the ETag (quoted) */
  hash: string;
}

/** `api/v1`, `apis/apps/v1`: the document path of a group-version. */
export function documentPath(r: { group: string; version: string }): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

function servedGroupVersions(): Map<string, ResourceInfo[]> {
  const byPath = new Map<string, ResourceInfo[]>();
  for (const r of RESOURCES) {
    const path = documentPath(r);
    const list = byPath.get(path) ?? [];
    list.push(r);
    byPath.set(path, list);
  }
  return byPath;
}

/** definition → GVKs, for `x-kubernetes-group-version-kind` on schemas. */
function schemaGVKs(): Map<string, GVK[]> {
  const gvks = new Map<string, GVK[]>();
  const add = (model: string, gvk: GVK): void => {
    const def = modelSchema(model).definition;
    const list = gvks.get(def) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    gvks.set(def, list);
  };
  const groupVersions = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) {
    const { model, listModel } = modelsOf(r);
    add(model, { group: r.group, version: r.version, kind: r.kind });
    if (listModel !== undefined) add(listModel, { group: r.group, version: r.version, kind: r.listKind });
    for (const sub of r.subresources) {
      if (sub.kind === 'Scale' || sub.kind === 'Binding' || sub.kind === 'Eviction') {
        add(`V1${sub.kind}`, { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind });
      }
    }
    groupVersions.set(groupVersion(r), { group: r.group, version: r.version });
  }
  add('V1Status', { group: '', version: 'v1', kind: 'Status' });
  for (const gv of groupVersions.values()) add('V1DeleteOptions', { ...gv, kind: 'DeleteOptions' });
  return gvks;
}

function buildDocument(resources: ResourceInfo[], gvks: Map<string, GVK[]>): JsonObject {
  const schemas = new SchemaCollector(gvks);
  const paths: JsonObject = {};
  for (const r of resources) addResourcePaths(paths, r, schemas);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths,
    components: {
      schemas: schemas.schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

function serialize(doc: JsonObject): SerializedDocument {
  const body = JSON.stringify(doc);
  return { doc, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

let documents: Map<string, SerializedDocument> | undefined;

/** All documents, built on first use (the index needs every hash). */
function allDocuments(): Map<string, SerializedDocument> {
  if (documents) return documents;
  const gvks = schemaGVKs();
  const built = new Map<string, SerializedDocument>();
  for (const [path, resources] of servedGroupVersions()) built.set(path, serialize(buildDocument(resources, gvks)));
  documents = built;
  return built;
}

/** The body of `GET /openapi/v3`. */
export function openapiIndex(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [path, d] of allDocuments()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${d.hash}` };
  return { paths };
}

/** The document for `GET /openapi/v3/<path>` (`api/v1`, `apis/apps/v1`, …), or undefined (404). */
export function openapiDocument(path: string): JsonObject | undefined {
  return openapiDocumentJson(path)?.doc;
}

/** The same document with its serialized bytes and hash, to send without re-serializing and with an ETag. */
export function openapiDocumentJson(path: string): SerializedDocument | undefined {
  return allDocuments().get(path.replace(/^\/+|\/+$/g, ''));
}
