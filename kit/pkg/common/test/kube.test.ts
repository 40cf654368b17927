// Label selection on fixtures: what each operator selects, and the selectors that Kubernetes
// refuses, refused with where and what is allowed (the verdicts are compared with Kubernetes' own
// in kit/pkg/check/test/selection.test.ts).
import { labelSelector, podSelector, selects } from '../kube';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  test.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
  ])('%j selects {app: web, tier: front}: %s', (selector, expected) => {
    expect(selects(labelSelector(selector, 'sel'), labels)).toBe(expected);
  });

  test.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'Gt' }] },
      'sel.matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist (got "Gt")',
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      'sel.matchExpressions[0].values must be non-empty for In and NotIn (got [])',
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'sel.matchExpressions[0].values must be empty for Exists and DoesNotExist (got ["x"])',
    ],
    [{ matchExpressions: { key: 'a' } }, 'sel.matchExpressions must be a list (got {"key":"a"})'],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] },
      'sel.matchExpressions[0].values must be a list (got "x")',
    ],
    ['app=web', 'sel must be a label selector object (got "app=web")'],
    [undefined, 'sel is missing (an empty selector {} selects everything)'],
  ])('%j is refused', (selector, message) => {
    expect(() => labelSelector(selector, 'sel')).toThrow(message);
  });

  test("a manifest's refused selector is named by its object and field", () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'app' },
      spec: { podSelector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] } },
    };
    expect(() => podSelector(policy)).toThrow(
      'NetworkPolicy/app/p: spec.podSelector.matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist (got "Bogus")',
    );
  });
});
