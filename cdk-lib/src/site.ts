import type { StackRole } from './plan';

/** One stack of a topology: an account, a region and a role. */
export interface Site {
  /** The account's name in the topology. */
  readonly account: string;
  /** The 12-digit account ID. */
  readonly accountId: string;
  readonly region: string;
  /** What the stack holds. */
  readonly role: StackRole;
}
