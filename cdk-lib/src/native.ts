// The napi binding, shipped in this package's native/ folder. Internal: no
// type of the binding appears in the public (jsii) API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const binding: NativeBinding = require('../native/index.js');

/** @internal */
export interface NativeDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  hint?: string;
  path?: string;
  codeFrame: string;
}

/** @internal */
export interface NativeResult {
  valid: boolean;
  planJson?: string;
  diagnostics: NativeDiagnostic[];
  lock?: string;
}

/** @internal */
export interface NativeBinding {
  validate(text: string, options?: { fileName?: string; lock?: string; lockFileName?: string }): NativeResult;
  plan(text: string, options?: { fileName?: string; lock?: string; lockFileName?: string }): NativeResult;
  version(): string;
}

/** @internal */
export function nativeBinding(): NativeBinding {
  return binding;
}
