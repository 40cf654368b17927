// The kit's cdk8s validation plugin: `cdk8s synth` (and `npm run synth`) runs two gates of
// `npm run check` on what it just wrote, Pod Security ("restricted") and the API server's own
// validation, and fails the synth with each finding under the construct path that made the object
// (cdk8s.yaml's `validations:`, package ./kit, class ManifestGates; cdk8s-cli's plugin interface).
// `cdk8s synth --no-validate` skips it, as cdk8s documents.
//
// Both gates are kube-rules, a Go program built once per machine (kit/pkg/common/go-tools.ts). A
// synth never builds it and never waits for Go: where it is not built yet, the plugin says in one
// line what it skipped and the command that builds it, and the synth passes as it would without
// the plugin. The schema gates and kube-score stay with `npm run check`, which needs Go anyway.
//
// cdk8s-cli hands a plugin each object's construct path through construct-metadata.json, which the
// app writes into the output folder beside the manifests, and leaves there. `kubectl apply -f dist`
// would read it as a manifest and refuse it (apiVersion and kind not set), so the plugin removes it
// once it has run: cdk8s-cli has read it before any plugin starts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apiServer } from '../check/api-server';
import { type Finding, formatFinding } from '../check/findings';
import { podSecurity } from '../check/pod-security';
import { binaryPath } from '../common/go-tools';
import { loadObjects } from '../common/manifests';

/** What cdk8s-cli hands a validation plugin (cdk8s-cli/lib/plugins/validation.d.ts), the part used here. */
export interface ValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: readonly {
        readonly resourceName: string;
        readonly locations: readonly string[];
        readonly manifestPath: string;
      }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Readonly<Record<string, string>>): void;
  };
  readonly logger: { log(message: string): void };
}

/** How to fix what each gate finds, beside the gate's own words. */
const FIX: Readonly<Record<string, string>> = {
  'pod-security':
    'meet the Pod Security Standard "restricted" in the prop or the container that sets this field ' +
    '(https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)',
  'api-server': 'change the prop that sets this field so that the API server takes the object: its message says how',
};

/** The line that says the gates were skipped, and how to build them. */
export const SKIPPED =
  'k8s-sandbox-kit: Pod Security and the API server validation skipped: their Go program (kube-rules) is not ' +
  'built on this machine; build it once with `npm run check` (needs Go), and every synth runs them';

/** Runs Pod Security and the API server's validation on the manifests a synth wrote. */
export class ManifestGates {
  async validate(context: ValidationContext): Promise<void> {
    try {
      await this.runGates(context);
    } finally {
      for (const dir of new Set(context.manifests.map((manifest) => path.dirname(manifest)))) {
        fs.rmSync(path.join(dir, 'construct-metadata.json'), { force: true });
      }
    }
  }

  private async runGates(context: ValidationContext): Promise<void> {
    const kubeRules = binaryPath('kube-rules');
    if (!fs.existsSync(kubeRules)) {
      context.logger.log(SKIPPED);
      context.report.submit('success', { skipped: 'kube-rules is not built' });
      return;
    }
    const objects = loadObjects(context.manifests);
    const findings: Finding[] = (
      await Promise.all([
        podSecurity(kubeRules, objects),
        apiServer('api-server', kubeRules, objects, {
          note: (note) => context.logger.log(`k8s-sandbox-kit: note: ${formatFinding(note)}`),
        }),
      ])
    ).flat();
    for (const finding of findings) {
      context.report.addViolation({
        ruleName: `${finding.gate}: ${finding.object}`,
        recommendation: finding.field === '' ? finding.message : `${finding.field}: ${finding.message}`,
        fix: FIX[finding.gate] ?? '',
        violatingResources: [
          {
            // cdk8s records each object's construct path under its metadata.name.
            resourceName: finding.object.slice(finding.object.indexOf('/') + 1),
            locations: [finding.field === '' ? '(the object)' : finding.field],
            manifestPath: finding.file,
          },
        ],
      });
    }
    context.report.submit(findings.length === 0 ? 'success' : 'failure', { objects: String(objects.length) });
  }
}
