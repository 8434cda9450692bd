// The napi binding, shipped in this package's native/ folder. Internal: no
// type of the binding appears in the public (jsii) API; its types are the
// ones napi-rs generated (bindings/index.d.ts, copied beside it).

import type * as Binding from '../../native/index';

export type NativeBinding = typeof Binding;
export type { JsDiagnostic as NativeDiagnostic, PlanOptions as NativeOptions } from '../../native/index';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the loader is CommonJS, resolved at run time
const binding = require('../../native/index.js') as NativeBinding;

export function nativeBinding(): NativeBinding {
  return binding;
}
