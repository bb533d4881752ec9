// oclif writes through console; give jest a console that writes to process.stdout so output is captured.
import {Console} from 'node:console'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr})
