// SandboxApp: the cdk8s App of the sandbox, whose app-wide checks (the collision check of
// unique-objects.ts, each restricted workload's pod spec check) run once per synth.
import { App } from 'cdk8s';
import type { IConstruct } from 'constructs';

/**
 * The apps inside a SandboxApp's `synth()` or `synthYaml()` call, with the result of each
 * validation added by addValidationOncePerSynth (by the construct it validates) once it has run
 * in that call.
 */
const synthPasses = new WeakMap<IConstruct, Map<IConstruct, string[]>>();

/**
 * A cdk8s App whose validations added with addValidationOncePerSynth run once per `synth()` or
 * `synthYaml()`. cdk8s 2 validates the whole app once per chart it writes (`App.synth` calls
 * `chart.toJson()`, which calls `App._synthChart`, which validates the app again), so a
 * validation of the whole app would run charts + 1 times per `cdk8s synth`. Inside one synth
 * nothing the user writes runs between those passes, so the first pass's result holds for the
 * others. In any other App, such a validation runs in every pass, with the same messages.
 */
export class SandboxApp extends App {
  public override synth(): void {
    onePass(this, () => super.synth());
  }

  public override synthYaml(): string {
    return onePass(this, () => super.synthYaml());
  }
}

/** Runs `synthesize` as one pass of `app`'s validations. */
function onePass<T>(app: App, synthesize: () => T): T {
  synthPasses.set(app, new Map());
  try {
    return synthesize();
  } finally {
    synthPasses.delete(app);
  }
}

/**
 * Adds `validate` to the validations of `scope`, run once per `synth()` or `synthYaml()` of the
 * SandboxApp that holds it rather than charts + 1 times, and every time outside one.
 * `Testing.synth(chart)` and `chart.toJson()` are one pass each.
 */
export function addValidationOncePerSynth(scope: IConstruct, validate: () => string[]): void {
  scope.node.addValidation({
    validate: () => {
      const pass = synthPasses.get(scope.node.root);
      if (pass === undefined) {
        return validate();
      }
      const errors = pass.get(scope) ?? validate();
      pass.set(scope, errors);
      return errors;
    },
  });
}
