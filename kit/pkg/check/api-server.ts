// The api-server gate: what kube-apiserver itself says to `kubectl create` of each object of a
// built-in kind, offline. kube-rules validate (kube-rules/validate.go) runs the API server's own Go
// code at the release kit/go/cluster/kube/go.mod pins, in the create path's order: strict
// decoding, defaulting and conversion; the mutating admission every cluster runs where it changes
// what validation sees (ServiceAccount, DefaultTolerationSeconds; admission.go says which plugin
// is run and why the others are not); the Service storage's create hook (clusterIP/clusterIPs
// normalized, clusterIPs allocated from --service-cluster-ip-range, nodePorts and
// healthCheckNodePort from 30000-32767, against the Services before them; service.go); and the
// resource's registry strategy (PrepareForCreate, Validate). Each finding is a field path and the
// API server's message for it, word for word. Two kube-apiserver flags change the answers
// (ApiServerFlags): --allow-privileged (true by default, as kubeadm and kind set it) and
// --service-cluster-ip-range (the lab cluster's, kit/lab/cluster/env.sh). What it cannot see:
// admission that reads cluster state (quotas, LimitRanges, PriorityClasses, Pod Security,
// webhooks) and what only the cluster's storage knows (names, clusterIPs and nodePorts already
// taken there). The extension servers' CustomResourceDefinition and APIService are checked with
// their own code (kube-rules/crd.go), and so is every custom resource whose CustomResourceDefinition
// is among the objects (apiextensions-apiserver's structural schema, unknown fields, defaulting,
// nullable, OpenAPI validation, CEL rules); the schema gates leave custom resources to this gate.
// A custom resource whose definition is not among the objects is not checked: a note says so once
// per kind, and check still passes, as the definition may be installed in the cluster by
// something else.
import { type Finding, findingSite } from './findings';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The kube-apiserver flags the gate's answers depend on. */
export interface ApiServerFlags {
  /** --allow-privileged: whether a privileged container passes validation. */
  readonly allowPrivileged: boolean;
  /** --service-cluster-ip-range: where a clusterIP a Service asks for must lie. */
  readonly serviceClusterIPRange: string;
}

/** The lab cluster's env.sh, whose SERVICE_CIDR its kube-apiserver is started with. */
const LAB_ENV = path.resolve(__dirname, '../../lab/cluster/env.sh');

/**
 * The flags as the gate takes them unless told: --allow-privileged=true as kubeadm and kind set
 * it (kube-apiserver's own default is false), and the lab cluster's --service-cluster-ip-range,
 * which lies inside kubeadm's default 10.96.0.0/12, so a clusterIP the gate takes both take.
 */
export function defaultApiServerFlags(): ApiServerFlags {
  const cidr = /^SERVICE_CIDR=(\S+)$/m.exec(fs.readFileSync(LAB_ENV, 'utf8'))?.[1];
  if (cidr === undefined) {
    throw new Error(`${LAB_ENV} sets no SERVICE_CIDR=<CIDR> line: the api-server gate takes the Service range from it`);
  }
  return { allowPrivileged: true, serviceClusterIPRange: cidr };
}

/** How the gate's log line names `flags`: each flag, and whose value it is when it is the default. */
export function describeApiServerFlags(flags: ApiServerFlags): string {
  const defaults = defaultApiServerFlags();
  return [
    `--allow-privileged=${flags.allowPrivileged}${flags.allowPrivileged === defaults.allowPrivileged ? ', as kubeadm' : ''}`,
    `--service-cluster-ip-range=${flags.serviceClusterIPRange}${
      flags.serviceClusterIPRange === defaults.serviceClusterIPRange ? ", the lab cluster's" : ''
    }`,
  ].join('; ');
}

/** kube-rules validate's answer for one object. */
export interface Verdict {
  /** False for a custom resource whose definition is not among the objects, or a kind the API server never stores (a review). */
  readonly checked: boolean;
  /** The API server's refusal, cause by cause; empty when it would take the object. */
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  /** Why the object was not checked, once per kind: a custom resource whose definition is not among the objects. */
  readonly note?: string;
}

/** kube-rules validate's verdict on each of `objects`, in order, by an API server started with `flags`. */
export async function apiServerVerdicts(
  kubeRules: string,
  objects: readonly ManifestObject[],
  flags: ApiServerFlags = defaultApiServerFlags(),
): Promise<Verdict[]> {
  if (objects.length === 0) {
    return [];
  }
  const input = JSON.stringify(objects.map(({ object }) => object));
  const args = [
    'validate',
    `--allow-privileged=${flags.allowPrivileged}`,
    `--service-cluster-ip-range=${flags.serviceClusterIPRange}`,
  ];
  return JSON.parse((await run(kubeRules, args, { input })).stdout) as Verdict[];
}

/** What the gate is run with: the API server's flags, and where its notes go. */
export interface ApiServerOptions {
  readonly flags?: ApiServerFlags;
  readonly note?: (note: Finding) => void;
}

/**
 * One finding per field the API server of `gate`'s release, started with `flags`, would refuse,
 * in every object of `objects`; each note (what the gate could not check, which fails nothing)
 * goes to `note`.
 */
export async function apiServer(
  gate: string,
  kubeRules: string,
  objects: readonly ManifestObject[],
  { flags = defaultApiServerFlags(), note = () => undefined }: ApiServerOptions = {},
): Promise<Finding[]> {
  const verdicts = await apiServerVerdicts(kubeRules, objects, flags);
  return objects.flatMap(({ file, object }, index) => {
    const where = findingSite(gate, file, object);
    const verdict = verdicts[index];
    if (verdict?.note !== undefined) {
      note({ ...where, field: '', message: verdict.note });
    }
    return (verdict?.errors ?? []).map(({ field, message }) => ({ ...where, field, message }));
  });
}
