import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', require: 'readonly', __dirname: 'readonly', console: 'readonly', module: 'writable'}},
    rules: {
      // Lazy requires keep cold start fast (src/aws/clients.ts); they are deliberate.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  {
    // One string order everywhere (src/core/order.ts compareText): localeCompare follows the
    // machine's locale, so a plan saved on one machine would be stale on another.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='localeCompare']",
          message: 'localeCompare depends on the locale; use compareText from src/core/order.ts.',
        },
        {
          selector: "MemberExpression[property.value='localeCompare']",
          message: 'localeCompare depends on the locale; use compareText from src/core/order.ts.',
        },
      ],
    },
  },
  {
    // Small functions (issue 13): none in src/ over 60 lines, comments and blank lines included.
    files: ['src/**/*.ts'],
    rules: {'max-lines-per-function': ['error', {max: 60, skipBlankLines: false, skipComments: false}]},
  },
  {
    // Commands are thin: parse flags, call a workflow, render. A command file over 80 lines holds logic.
    files: ['src/commands/**/*.ts'],
    rules: {'max-lines': ['error', {max: 80, skipBlankLines: false, skipComments: false}]},
  },
  {
    // The core is pure: no AWS SDK values, no file system, no console.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: ['@aws-sdk/*', '@smithy/*'], message: 'The core takes no SDK values; use a port.', allowTypeImports: true},
            {group: ['node:fs', 'fs', 'node:fs/*', 'fs/*', 'node:child_process', 'child_process'], message: 'The core does no I/O.'},
            {group: ['../aws/*', '../../aws/*', '../io/*', '../../io/*', '../output/*', '../../output/*', '../commands/*', '../../commands/*'], message: 'Dependencies point into the core, never out of it.'},
          ],
        },
      ],
      'no-console': 'error',
    },
  },
  {
    // Renderers take results as the core defines them: output/ never reaches into workflows/ or aws/.
    files: ['src/output/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../workflows', '../workflows/*', '../../workflows/*', '../aws', '../aws/*', '../../aws/*'],
              message: 'output/ renders what the core returns; import result types from src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters only talk to AWS: they never run the core's engines (a workflow composes the two),
    // and never reach up into workflows, commands, io or output.
    files: ['src/aws/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../core/apply/*', '../core/plan/*', '../core/reconcile/*', '../core/audit/*', '../core/crawl/*', '../core/activity/*', '../core/lake/apply', '../core/lake/bootstrap'],
              message: 'No adapter calls the core engine; compose them in src/workflows/.',
              allowTypeImports: true,
            },
            {group: ['../workflows/*', '../commands/*', '../io/*', '../output/*', '../engines/*'], message: 'Adapters only talk to AWS.'},
          ],
        },
      ],
    },
  },
)
