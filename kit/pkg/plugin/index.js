// The kit's entry for cdk8s-cli, which loads a validation plugin with require() (cdk8s.yaml's
// `validations:`, package ./kit): plain JavaScript that installs the kit's TypeScript require hook,
// then hands over the plugin.
'use strict';
require('../loader/ts-register.js');
module.exports = require('./manifest-gates.ts');
