// `npm run synth [-- cdk8s synth options]`: the app's manifests into dist/ (or --output DIR),
// through kit/pkg/synth/synth.ts. `cdk8s synth` itself still works; it only lacks the guards and
// the stamp.
import { SynthRefused, synth } from './synth';

synth(process.cwd(), process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`npm run synth: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof SynthRefused ? error.exitCode : 1;
  },
);
