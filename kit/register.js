// The kit's require hook for a cdk8s app's command, `node -r k8s-sandbox-kit/register main.ts`
// (cdk8s.yaml's `app:`): TypeScript transpiled as each file loads (pkg/loader/ts-register.js),
// and an app that fails says why in one paragraph, without the CLI's stack trace
// (pkg/loader/app-errors.js).
'use strict';
require('./pkg/loader/ts-register.js');
require('./pkg/loader/app-errors.js');
