import type { IConstruct } from 'constructs';
import type { StudioPlan } from '../plan';
import type { Topology } from '../topology';
import { PlanIndex } from './plan-index';
import type { Resolve } from './policy';

/** The plan's `studio` section; an error naming the construct when there is none. */
export function studioPlan(scope: IConstruct, topology: Topology): StudioPlan {
  const s = topology.plan.studio;
  if (!s) throw new Error(`${scope.node.path}: topology '${topology.name}' has no \`studio\` section`);
  return s;
}

/**
 * The deployed values of the placeholders of Studio's policies: endpoint
 * IDs and the portal role's ARN, read from the stacks that publish them
 * (`get`), and the LOB's domain ID where the construct knows it.
 */
export function studioValues(topology: Topology, get: (parameter: string, producer: string) => string, domainId?: string): Resolve {
  const index = PlanIndex.of(topology.plan);
  return (kind, id) => {
    switch (kind) {
      case 'endpoint-id': {
        const e = index.endpoint(id);
        if (!e.idParameter) throw new Error(`endpoint ${id} is named in a policy but not published; this is a Linkplan bug`);
        return get(e.idParameter, index.vpc(e.vpc).stack);
      }
      case 'role-arn': {
        // read, not written out: the stack naming the role deploys after it
        const role = index.role(id);
        return role.arnParameter ? get(role.arnParameter, role.stack) : role.arn;
      }
      case 'domain-id':
        if (!domainId) throw new Error(`the domain ID of ${id} is not known here; this is a Linkplan bug`);
        return domainId;
    }
  };
}
