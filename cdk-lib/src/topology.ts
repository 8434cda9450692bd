import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { nativeBinding, NativeDiagnostic } from './native';

/**
 * One finding of the Linkplan core: a rule code, where it is, what was found
 * and what was expected.
 */
export interface TopologyDiagnostic {
  /** The rule code, e.g. `LP022`. */
  readonly code: string;
  /** `error` or `warning`. */
  readonly severity: string;
  readonly message: string;
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** @default - none */
  readonly hint?: string;
  /** The finding as the `plan` CLI prints it, with its code frame. */
  readonly codeFrame: string;
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
    const result = nativeBinding().plan(text, {
      fileName: options.fileName ?? 'topology.yaml',
      lock: options.lock,
      lockFileName: options.lockFileName ?? 'topology.lock.json',
    });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!result.valid || !result.planJson || errors.length > 0) {
      const n = errors.length;
      throw new Error(`the topology has ${n} error${n === 1 ? '' : 's'}:\n\n${errors.map((d) => d.codeFrame).join('\n')}`);
    }
    return new Topology(JSON.parse(result.planJson), result.diagnostics.map(toDiagnostic), result.lock ?? '');
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
  public readonly plan: any;

  private constructor(plan: any, warnings: TopologyDiagnostic[], lockText: string) {
    this.plan = plan;
    this.name = plan.name;
    this.warnings = warnings;
    this.lockText = lockText;
  }

  /** The names of the topology's VPCs. */
  public get vpcNames(): string[] {
    return Object.keys(this.plan.vpcs);
  }

  /** Adds every warning of the topology to `scope` as a CDK annotation. */
  public annotate(scope: IConstruct): void {
    for (const w of this.warnings) {
      Annotations.of(scope).addWarningV2(`linkplan:${w.code}`, `${w.code} ${w.file}:${w.line}:${w.column}: ${w.message}`);
    }
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new Error(`cannot read the ${what} ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

function defaultLockPath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.lock.json`);
}

function toDiagnostic(d: NativeDiagnostic): TopologyDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.line,
    column: d.column,
    hint: d.hint,
    codeFrame: d.codeFrame,
  };
}
