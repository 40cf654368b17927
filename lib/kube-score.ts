// kube-score's own opt-out for one object, for the checks the sandbox contradicts on purpose.
// Every caller says beside the check it names why the sandbox does it differently.

/** Metadata annotations that make kube-score skip `checks` on the object; none for no checks. */
export function kubeScoreIgnore(checks: readonly string[]): Record<string, string> | undefined {
  return checks.length === 0 ? undefined : { 'kube-score/ignore': checks.join(',') };
}
