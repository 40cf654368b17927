// The route proof every test makes before it sends (kit/lab/e2e/routes.ts), on this machine's
// own routing table: `ip route get` asks the kernel and sends nothing.
import { defaultRouteInterfaces, requireLocalRoutes, routeInterface } from '../routes';

test('loopback is routed through lo', () => {
  expect(routeInterface('127.0.0.1')).toBe('lo');
  expect(() => requireLocalRoutes(['127.0.0.1', 'http://127.0.0.1:31515/'])).not.toThrow();
});

test("an address the default route takes is refused, naming it and the route's interface", () => {
  // TEST-NET-3 (RFC 5737): no machine has a route of its own to it.
  const [outside] = defaultRouteInterfaces();
  expect(() => requireLocalRoutes(['127.0.0.1', 'http://203.0.113.7/'])).toThrow(
    outside === undefined
      ? /ip route get 203\.0\.113\.7: .*unreachable/
      : `test traffic may go only to loopback or the cluster's own interfaces (lo, k8s-sandbox0, k8s-sandbox-n), by the kernel's route lookup (ip route get): 203.0.113.7 goes through ${outside}, the default route`,
  );
});
