// The kit's library for an app's own tests and benchmarks: `import { ... } from 'k8s-sandbox-kit/testing'`.
// Everything else under kit/ is the kit's own.
//   - temporary folders that are removed whatever happens (kit/pkg/common/temp-dir.ts);
//   - running a program and reading its output (kit/pkg/common/process.ts);
//   - the kit's Go tools, built once per machine, among them kube-rules, Kubernetes' own rules
//     (label selection, names, quantities, image references) to compare constructs with
//     (kit/pkg/common/go-tools.ts);
//   - the scale app's protocol that `npm run bench` (kit/lab/bench/bench.js --scale-app) runs.
export { makeTempDir, removeTempDir, withTempDir } from './pkg/common/temp-dir';
export { type RunResult, run } from './pkg/common/process';
export { binaryPath, goModuleVersion, goTool, toolModuleDir } from './pkg/common/go-tools';
export { synthesizePairs } from './lab/bench/scale-pairs';
