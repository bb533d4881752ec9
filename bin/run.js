#!/usr/bin/env node
// The SDK warns on every start under Node 20; lakegov supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

require('@oclif/core')
  .execute({dir: __dirname})
  .catch(require('@oclif/core/handle'))
