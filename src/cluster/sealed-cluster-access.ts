import { clusterAccessSchema, type ClusterAccessRequest } from '../attempts/attempt-request.js';
import type { SecretBox } from './secret-box.js';

/** Cluster credentials travel from the API to the worker only sealed, through PostgreSQL. */
export function sealClusterAccess(box: SecretBox, access: ClusterAccessRequest): Uint8Array {
  return box.seal(JSON.stringify(access));
}

export function openClusterAccess(box: SecretBox, sealed: Uint8Array): ClusterAccessRequest {
  return clusterAccessSchema.parse(JSON.parse(box.open(sealed)));
}
