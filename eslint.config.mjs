// The linter: ESLint with typescript-eslint's recommended rules. Formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The rule that lets the app import the kit only by the public entries named. */
function kitImports(entries) {
  const names = entries.map((entry) => `k8s-sandbox-kit/${entry}`);
  return {
    patterns: [
      {
        group: ['k8s-sandbox-kit/*', ...names.map((name) => `!${name}`), '**/kit/**'],
        message: `the app uses the kit's public library (${names.join(', ')}: kit/${entries.join('.ts, kit/')}.ts), not its files`,
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'imports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The app depends on the kit as on any package: its constructs use the kit's public library
    // (k8s-sandbox-kit/objects), its tests and benchmarks that and k8s-sandbox-kit/testing, never
    // the kit's own files.
    files: ['main.ts', 'lib/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', kitImports(['objects'])] },
  },
  {
    files: ['test/**/*.ts', 'apps/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', kitImports(['objects', 'testing'])] },
  },
);
