// The command line of kit/pkg/common/go-tools.ts (.ci/run's build lane): which programs it builds.
import { TOOL_NAMES, goToolNames } from '../go-tools';

test("no name means every program, in the module's order; names given are kept in their order", () => {
  expect(goToolNames([])).toEqual(TOOL_NAMES);
  expect(TOOL_NAMES).toEqual(['kubeconform', 'kube-score', 'kube-rules', 'helm', 'kstatus-watch', 'vegeta']);
  expect(goToolNames(['vegeta', 'helm'])).toEqual(['vegeta', 'helm']);
});

test('an unknown name is refused, naming the programs there are', () => {
  expect(() => goToolNames(['helm', 'kubectl'])).toThrow(
    'NAME must be one of kubeconform, kube-score, kube-rules, helm, kstatus-watch, vegeta (got kubectl); name the programs to build, or none for all',
  );
});
