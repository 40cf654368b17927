// cdk8s-plus-27 writes a few fields at their API default: `hostNetwork: false`,
// `minReadySeconds: 0`, `externalIPs: []`. The API server stores none of them (they are
// omitempty in the Go types), so client-side `kubectl apply` finds them missing on the live
// object and sends them again on every run, reporting "configured" for an unchanged object.
// Leaving them out makes a repeated `kubectl apply -f dist` report "unchanged".
import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** JSON pointers, per kind, of the defaults that cdk8s-plus-27 writes and the API server drops. */
export const DROPPED_DEFAULTS = {
  Pod: ['/spec/hostNetwork'],
  Deployment: ['/spec/minReadySeconds', '/spec/template/spec/hostNetwork'],
  Service: ['/spec/externalIPs'],
} as const;

/** Removes the dropped defaults of its kind from the manifest of `construct`. */
export function removeDroppedDefaults(construct: IConstruct): void {
  const apiObject = ApiObject.of(construct);
  const pointers: readonly string[] = Object.hasOwn(DROPPED_DEFAULTS, apiObject.kind)
    ? DROPPED_DEFAULTS[apiObject.kind as keyof typeof DROPPED_DEFAULTS]
    : [];
  // The L2 API has no way to leave these fields unset.
  apiObject.addJsonPatch(...pointers.map((path) => JsonPatch.remove(path)));
}
