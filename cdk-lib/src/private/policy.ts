// The plan's typed policy documents in the IAM JSON policy grammar
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html),
// as core/src/policy.rs renders them. A value known only at deploy is a
// `{{kind:id}}` placeholder in the plan; `resolve` gives the deployed value
// (a token) and nothing else of the document changes.

import type { PolicyDocument, Principal, Statement } from '../plan';

/** An IAM policy document or statement, as CloudFormation takes it. */
export type IamJson = Record<string, unknown>;

/** The kinds of deploy-time values a plan's policy names. */
export type PlaceholderKind = 'endpoint-id' | 'role-arn' | 'domain-id';

/** The deployed value of a placeholder. */
export type Resolve = (kind: PlaceholderKind, id: string) => string;

const PLACEHOLDER = /\{\{(endpoint-id|role-arn|domain-id):([^}]+)\}\}/g;

/**
 * The grammar's shorthands, as people write policies: `"*"` for a list of
 * only `*`, a single condition value or service principal as a string.
 */
const wildcardOr = (values: string[]): unknown => (values.length === 1 && values[0] === '*' ? '*' : values);
const single = (values: string[]): unknown => (values.length === 1 ? values[0] : values);

const noPlaceholders: Resolve = (kind, id) => {
  throw new Error(`the plan's policy names {{${kind}:${id}}}, which this construct does not provide; this is a Linkplan bug`);
};

function fill(value: string, resolve: Resolve): string {
  return value.replace(PLACEHOLDER, (_, kind: PlaceholderKind, id: string) => resolve(kind, id));
}

function principal(p: Principal, resolve: Resolve): unknown {
  if (p.any) return '*';
  const out: IamJson = {};
  if (p.aws?.length) out.AWS = p.aws.map((a) => fill(a, resolve));
  if (p.service?.length) out.Service = single(p.service);
  return out;
}

/** One statement in the IAM grammar, conditions grouped by operator. */
export function iamStatement(s: Statement, resolve: Resolve = noPlaceholders): IamJson {
  const out: IamJson = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.principal) out.Principal = principal(s.principal, resolve);
  out.Action = wildcardOr(s.actions);
  if (s.resources?.length) out.Resource = wildcardOr(s.resources.map((r) => fill(r, resolve)));
  if (s.conditions?.length) {
    const byOperator: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions) {
      (byOperator[c.operator] ??= {})[c.key] = single(c.values.map((v) => fill(v, resolve)));
    }
    out.Condition = byOperator;
  }
  return out;
}

/** A whole document in the IAM grammar. */
export function iamPolicy(doc: PolicyDocument, resolve: Resolve = noPlaceholders): IamJson {
  return { Version: '2012-10-17', Statement: doc.statements.map((s) => iamStatement(s, resolve)) };
}

/** A document of statements the library adds itself (logs, ENIs), already in the IAM grammar. */
export function iamDocument(statements: IamJson[]): IamJson {
  return { Version: '2012-10-17', Statement: statements };
}
