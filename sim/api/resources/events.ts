/** core/v1 events: what `kubectl describe` lists, selectable by `involvedObject.*`. */
import type { CoreEvent, KubeObject } from '../../types.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import { checkObjectMeta } from './validation.js';

function eventFields(object: KubeObject): Record<string, string> {
  const event = object as CoreEvent;
  const involved = event.involvedObject ?? {};
  return {
    'involvedObject.kind': involved.kind ?? '',
    'involvedObject.namespace': involved.namespace ?? '',
    'involvedObject.name': involved.name ?? '',
    'involvedObject.uid': involved.uid ?? '',
    'involvedObject.apiVersion': involved.apiVersion ?? '',
    'involvedObject.resourceVersion': involved.resourceVersion ?? '',
    'involvedObject.fieldPath': involved.fieldPath ?? '',
    reason: event.reason ?? '',
    reportingComponent: event.reportingComponent ?? '',
    source: event.source?.component ?? '',
    type: event.type ?? '',
  };
}

export const eventsResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  verbs: STANDARD_VERBS,
  subresources: [],
  fieldLabels: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  fieldsOf: eventFields,
  validate(object) {
    return checkObjectMeta(object.metadata, 'subdomain');
  },
};
