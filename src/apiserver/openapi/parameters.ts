// The query and path parameters of each kind of operation, written inline on
// every operation (not as `$ref`s): kubectl's server-side field validation
// check reads `parameters[].name` of the PATCH operation directly, and a
// `$ref` parameter has no name there. `fieldValidation` on every POST, PUT
// and PATCH is what makes `kubectl apply` send `?fieldValidation=Strict`.

import type { JsonObject } from './schemas.js';

function query(name: string, description: string, schema: JsonObject): JsonObject {
  return { name, in: 'query', description, schema };
}

const str = { type: 'string', uniqueItems: true };
const bool = { type: 'boolean', uniqueItems: true };
const int = { type: 'integer', uniqueItems: true };

export const PRETTY = query('pretty', "If 'true', the output is pretty printed.", str);

export function pathParam(name: 'name' | 'namespace', kind: string): JsonObject {
  const description = name === 'name' ? `name of the ${kind}` : 'object name and auth scope, such as for teams and projects';
  return { name, in: 'path', description, required: true, schema: str };
}

const DRY_RUN = query('dryRun', "When present, indicates that modifications should not be persisted. The only valid value is 'All'.", str);
const FIELD_MANAGER = query('fieldManager', 'A name associated with the actor or entity that is making these changes.', str);
const FIELD_VALIDATION = query(
  'fieldValidation',
  'How the server treats unknown and duplicate fields in the request body: Ignore (drop them), Warn (drop them and answer with a warning for each; the default) or Strict (fail the request with BadRequest).',
  str,
);
const FORCE = query('force', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.', bool);

const ALLOW_WATCH_BOOKMARKS = query('allowWatchBookmarks', 'Requests watch events of type BOOKMARK.', bool);
const CONTINUE = query('continue', 'The continue token returned by a previous, limited list call.', str);
const FIELD_SELECTOR = query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.', str);
const LABEL_SELECTOR = query('labelSelector', 'A selector to restrict the list of returned objects by their labels.', str);
const LIMIT = query('limit', 'The maximum number of responses to return for a list call.', int);
const RESOURCE_VERSION = query('resourceVersion', 'Constrains which resource versions the request may be served from.', str);
const RESOURCE_VERSION_MATCH = query('resourceVersionMatch', 'How resourceVersion is applied to list calls: Exact or NotOlderThan.', str);
const SEND_INITIAL_EVENTS = query('sendInitialEvents', 'With watch=true, begin the stream with synthetic ADDED events for the current state.', bool);
const TIMEOUT_SECONDS = query('timeoutSeconds', 'Timeout for the list/watch call.', int);
const WATCH = query('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', bool);

const GRACE_PERIOD_SECONDS = query('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', int);
const IGNORE_STORE_READ_ERROR = query(
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'If set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.',
  bool,
);
const ORPHAN_DEPENDENTS = query('orphanDependents', 'Deprecated: use propagationPolicy.', bool);
const PROPAGATION_POLICY = query('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.", str);

const LIST_QUERY = [ALLOW_WATCH_BOOKMARKS, CONTINUE, FIELD_SELECTOR, LABEL_SELECTOR, LIMIT, RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS, WATCH];

export type OperationKind = 'list' | 'create' | 'read' | 'replace' | 'patch' | 'delete' | 'deletecollection' | 'log';

export function operationParameters(op: OperationKind): JsonObject[] {
  switch (op) {
    case 'list':
      return LIST_QUERY;
    case 'create':
    case 'replace':
      return [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
    case 'patch':
      return [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE];
    case 'read':
      return [];
    case 'delete':
      return [DRY_RUN, GRACE_PERIOD_SECONDS, IGNORE_STORE_READ_ERROR, ORPHAN_DEPENDENTS, PROPAGATION_POLICY];
    case 'deletecollection':
      return [CONTINUE, DRY_RUN, FIELD_SELECTOR, GRACE_PERIOD_SECONDS, IGNORE_STORE_READ_ERROR, LABEL_SELECTOR, LIMIT,
        ORPHAN_DEPENDENTS, PROPAGATION_POLICY, RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS];
    case 'log':
      return [
        query('container', 'The container for which to stream logs. Defaults to the only container if there is one.', str),
        query('follow', 'Follow the log stream of the pod.', bool),
        query('insecureSkipTLSVerifyBackend', 'Skip verifying the serving certificate of the backend.', bool),
        query('limitBytes', 'The number of bytes to read from the server before terminating the log output.', int),
        query('previous', 'Return previous terminated container logs.', bool),
        query('sinceSeconds', 'A relative time in seconds before the current time from which to show logs.', int),
        query('tailLines', 'The number of lines from the end of the logs to show.', int),
        query('timestamps', 'Add an RFC3339 timestamp at the beginning of every line of log output.', bool),
      ];
  }
}
