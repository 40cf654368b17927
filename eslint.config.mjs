// The linter: ESLint with typescript-eslint's recommended rules. Formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // (k8s-sandbox-kit/objects), never the kit's own files.
    files: ['main.ts', 'lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['k8s-sandbox-kit/*', '!k8s-sandbox-kit/objects', '**/kit/**'],
              message: "the app uses the kit's public library, k8s-sandbox-kit/objects (kit/objects.ts), not its files",
            },
          ],
        },
      ],
    },
  },
);
