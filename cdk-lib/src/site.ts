/**
 * One stack of a topology: an account, a region and a role (`network`,
 * `spoke`, `ml` or `links`).
 */
export interface Site {
  /** The account's name in the topology. */
  readonly account: string;
  /** The 12-digit account ID. */
  readonly accountId: string;
  readonly region: string;
  /** `network`, `spoke`, `ml` or `links`. */
  readonly role: string;
}
