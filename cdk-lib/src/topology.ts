import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations } from 'aws-cdk-lib';
import { type IConstruct } from 'constructs';
import type { Plan } from './plan';
import { nativeBinding, type NativeDiagnostic } from './private/native';

/**
 * One finding of the Linkplan core: a rule code, where it is, what was found
 * and what was expected.
 */
export interface TopologyDiagnostic {
  /** The rule code, e.g. `LP022`. */
  readonly code: string;
  readonly severity: DiagnosticSeverity;
  /** What was found and what was expected. */
  readonly message: string;
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Byte offset of the offending text in `file`. */
  readonly offset: number;
  /** Its length in bytes. */
  readonly length: number;
  /** @default - none */
  readonly hint?: string;
  /** Other places the finding refers to ("first defined here"). */
  readonly related: TopologyDiagnosticLocation[];
  /**
   * The JSON pointer of the offending value.
   * @default - not known (a parse error)
   */
  readonly path?: string;
  /** The rule's documentation. */
  readonly url: string;
  /**
   * The finding as the `plan` CLI prints it, with its code frame (rendered
   * when first read).
   */
  readonly codeFrame: string;
}

/** How serious a finding is. */
export enum DiagnosticSeverity {
  ERROR = 'error',
  WARNING = 'warning',
}

/** A second place a finding refers to. */
export interface TopologyDiagnosticLocation {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Options of `Topology.fromFile`. */
export interface TopologyFileOptions {
  /**
   * The lock file.
   * @default - `<name>.lock.json` beside the topology file, when it exists
   */
  readonly lockFile?: string;
}

/** Options of `Topology.fromString`. */
export interface TopologyStringOptions {
  /**
   * The name findings report for the topology.
   * @default 'topology.yaml'
   */
  readonly fileName?: string;
  /**
   * The lock file's contents.
   * @default - no lock
   */
  readonly lock?: string;
  /**
   * The name findings report for the lock.
   * @default 'topology.lock.json'
   */
  readonly lockFileName?: string;
}

/**
 * A validated topology and its plan, computed by the Linkplan core.
 *
 * Every CIDR, name, zone and role of the plan comes from the core; the
 * constructs read it and never recompute it.
 */
export class Topology {
  /**
   * Reads, validates and plans a topology file (YAML or JSON).
   *
   * Throws one error listing every finding with its file, line and code,
   * as `plan validate` prints them, when the topology has errors.
   */
  public static fromFile(file: string, options: TopologyFileOptions = {}): Topology {
    const text = readText(file, 'topology file');
    const lockFile = options.lockFile ?? defaultLockPath(file);
    const explicit = options.lockFile !== undefined;
    let lock: string | undefined;
    if (fs.existsSync(lockFile)) {
      lock = readText(lockFile, 'lock file');
    } else if (explicit) {
      throw new Error(`lock file ${lockFile} does not exist`);
    }
    return Topology.fromString(text, { fileName: file, lock, lockFileName: lock ? lockFile : undefined });
  }

  /** Validates and plans a topology given as text. */
  public static fromString(text: string, options: TopologyStringOptions = {}): Topology {
    const fileName = options.fileName ?? 'topology.yaml';
    const lockFileName = options.lockFileName ?? 'topology.lock.json';
    const result = nativeBinding().plan(text, { fileName, lock: options.lock, lockFileName });
    // code frames are rendered on demand: 10,000 findings cost their data, not 10,000 frames
    const frame = (d: NativeDiagnostic) => nativeBinding().codeFrame(d, d.file === lockFileName ? (options.lock ?? '') : text);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!result.valid || !result.planJson || errors.length > 0) {
      const n = errors.length;
      const shown = errors.slice(0, MAX_FRAMES).map(frame);
      const more = n - shown.length;
      const rest = more > 0 ? `\n… and ${more} more (\`plan validate ${fileName}\` lists every one)\n` : '';
      throw new Error(`the topology has ${n} error${n === 1 ? '' : 's'}:\n\n${shown.join('\n')}${rest}`);
    }
    const warnings = result.diagnostics.map((d) => toDiagnostic(d, () => frame(d)));
    return new Topology(JSON.parse(result.planJson) as Plan, warnings, result.lock ?? '');
  }

  /** The version of the Linkplan core that computed plans. */
  public static coreVersion(): string {
    return nativeBinding().version();
  }

  /** The topology's name. */
  public readonly name: string;

  /** The warnings of the topology (its errors are thrown). */
  public readonly warnings: TopologyDiagnostic[];

  /** The lock file this plan implies (what `plan lock` would write). */
  public readonly lockText: string;

  /** The plan, as `plan show --format json` prints it. */
  public readonly plan: Plan;

  private constructor(plan: Plan, warnings: TopologyDiagnostic[], lockText: string) {
    this.plan = plan;
    this.name = plan.name;
    this.warnings = warnings;
    this.lockText = lockText;
  }

  /** The names of the topology's VPCs. */
  public get vpcNames(): string[] {
    return Object.keys(this.plan.vpcs);
  }

  /**
   * Adds every warning of the topology to `scope` as a CDK annotation, with
   * its hint. `TopologyStacks` does this once, on the first stack it deploys.
   */
  public annotate(scope: IConstruct): void {
    for (const w of this.warnings) {
      const hint = w.hint ? `\n  help: ${w.hint}` : '';
      Annotations.of(scope).addWarningV2(`linkplan:${w.code}`, `${w.code} ${w.file}:${w.line}:${w.column}: ${w.message}${hint}`);
    }
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // eslint-disable-next-line preserve-caught-error -- the message carries the cause; jsii's es2020 target has no Error cause
    throw new Error(`cannot read the ${what} ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

function defaultLockPath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.lock.json`);
}

/** The binding's diagnostic, as the public type (the same fields). */
/** An invalid topology's error shows at most this many findings with their frames. */
const MAX_FRAMES = 20;

/** The binding's finding as the library's, its code frame rendered when first read. */
function toDiagnostic(d: NativeDiagnostic, frame: () => string): TopologyDiagnostic {
  const out = {
    ...d,
    severity: d.severity === 'error' ? DiagnosticSeverity.ERROR : DiagnosticSeverity.WARNING,
    related: d.related.map((r) => ({ message: r.message, line: r.line, column: r.column })),
  };
  let rendered: string | undefined;
  Object.defineProperty(out, 'codeFrame', {
    enumerable: true,
    get: () => {
      if (rendered === undefined) rendered = frame();
      return rendered;
    },
  });
  return out as typeof out & { readonly codeFrame: string };
}
