#!/usr/bin/env node
// The SDK warns on every start under Node 20; lakegov supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// oclif checks its own engines range with semver at load (47 modules, a tenth of a cold start);
// lakegov declares its own engines (node >= 20, above oclif's), which npm checks at install.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'

require('@oclif/core')
  .execute({dir: __dirname})
  .catch(require('@oclif/core/handle'))
