// The plan's stack of a construct that is placed by account, region and
// role (NetworkHub, NetworkLinks): the account is checked against the
// topology, so a typo gets the list of accounts, not an empty stack.

import type { IConstruct } from 'constructs';
import type { StackRole } from '../plan';
import type { Site } from '../site';
import type { Topology } from '../topology';
import { PlanIndex } from './plan-index';

/** The site and the plan's stack name of `role` in `account` and `region`. */
export function plannedStack(
  scope: IConstruct,
  topology: Topology,
  account: string,
  region: string,
  role: StackRole,
): { site: Site; stack: string } {
  const plan = topology.plan;
  const accountId = plan.accounts[account];
  if (!accountId) {
    throw new Error(
      `${scope.node.path}: account '${account}' is not in topology '${topology.name}'; expected one of ${Object.keys(plan.accounts).join(', ')}`,
    );
  }
  const planned = PlanIndex.of(plan).stackOf(account, region, role);
  // a stack the plan does not need holds nothing: no item of the plan names ''
  const stack = planned?.name ?? '';
  return { site: { account, accountId, region, role }, stack };
}
