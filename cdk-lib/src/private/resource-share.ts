import * as ram from 'aws-cdk-lib/aws-ram';
import type { Construct } from 'constructs';
import type { Plan } from '../plan';

/**
 * A RAM share of one resource with the topology's accounts named (by
 * name), inside the organization only: no external principals. Nothing when
 * no account is named.
 */
export function shareWithAccounts(
  scope: Construct,
  id: string,
  plan: Plan,
  name: string,
  resourceArn: string,
  accounts: readonly string[],
): void {
  if (accounts.length === 0) return;
  new ram.CfnResourceShare(scope, id, {
    name,
    resourceArns: [resourceArn],
    principals: accounts.map((a) => plan.accounts[a]),
    allowExternalPrincipals: false,
  });
}
