// The app-wide checks (the collision check of unique-objects.ts, the selector guard of
// selector-guard.ts, each restricted workload's pod spec check) run once per synth of whatever
// App holds them; SandboxApp is the App main.ts makes.
import { App } from 'cdk8s';
import type { IConstruct } from 'constructs';

/**
 * The apps inside a `synth()` or `synthYaml()` call, with the result of each validation added by
 * addValidationOncePerSynth once it has run in that call.
 */
const synthPasses = new WeakMap<IConstruct, Map<object, string[]>>();

/** The apps whose `synth()` and `synthYaml()` are one pass each (onePassPerSynth). */
const onePassApps = new WeakSet<App>();

/**
 * The App of the sandbox, which main.ts makes: a cdk8s App. Its app-wide checks run once per
 * `synth()` or `synthYaml()`, as they do in any App that holds a construct of the sandbox.
 */
export class SandboxApp extends App {}

/** Runs `synthesize` as one pass of `app`'s validations (or inside the pass already running). */
function onePass<T>(app: App, synthesize: () => T): T {
  if (synthPasses.has(app)) {
    return synthesize();
  }
  synthPasses.set(app, new Map());
  try {
    return synthesize();
  } finally {
    synthPasses.delete(app);
  }
}

/**
 * Makes `app`'s `synth()` and `synthYaml()` one pass each of the validations added with
 * addValidationOncePerSynth. cdk8s 2 validates the whole app once per chart it writes
 * (`App.synth` calls `chart.toJson()`, which calls `App._synthChart`, which validates the app
 * again), so a validation of the whole app would run charts + 1 times per synth: quadratic in a
 * chart-per-construct app. cdk8s has no hook around a synth, so the two methods of this App
 * object (not its class) are wrapped; inside one call nothing the user writes runs between
 * those passes, so the first pass's result holds for the others.
 */
function onePassPerSynth(app: App): void {
  if (onePassApps.has(app)) {
    return;
  }
  onePassApps.add(app);
  const [synth, synthYaml] = [app.synth.bind(app), app.synthYaml.bind(app)];
  app.synth = () => onePass(app, synth);
  app.synthYaml = () => onePass(app, synthYaml);
}

/**
 * Adds `validate` to the validations of `scope`, run once per `synth()` or `synthYaml()` of the
 * App that holds it rather than charts + 1 times. `Testing.synth(chart)` and `chart.toJson()`
 * are one pass each. Under a root that is not a cdk8s App it runs in every validation.
 */
export function addValidationOncePerSynth(scope: IConstruct, validate: () => string[]): void {
  const root = scope.node.root;
  if (root instanceof App) {
    onePassPerSynth(root);
  }
  // This validation's own key in a pass: several may be added to one scope.
  const key = {};
  scope.node.addValidation({
    validate: () => {
      const pass = synthPasses.get(root);
      if (pass === undefined) {
        return validate();
      }
      const errors = pass.get(key) ?? validate();
      pass.set(key, errors);
      return errors;
    },
  });
}
