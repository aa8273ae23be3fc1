// What a Meld connection status means for a balance check (docs.meld.io "Connection Errors and Reasons").
import type { Reason } from '../../contracts/balance-check';
import { MELD_ASSUMPTIONS } from './assumptions';
import type { MeldConnection } from './schemas';

export type ConnectionAssessment =
  /** Refresh may be requested. */
  | { kind: 'REFRESHABLE' }
  /** A refresh is already running (IN_PROGRESS on a connection aggregated before): join it. */
  | { kind: 'RUNNING' }
  /** The customer must act in Meld's widget (reconnect) before data can move. */
  | { kind: 'ACTION_REQUIRED'; reason: Reason }
  /** Terminal at Meld: nothing we or the customer can do through this connection. */
  | { kind: 'FAILED'; reason: Reason };

export function assessMeldConnection(
  connection: Pick<MeldConnection, 'status' | 'statusReason' | 'successfullyAggregatedAt'>,
): ConnectionAssessment {
  const status = connection.status.toUpperCase();
  const statusReason = connection.statusReason ?? undefined;
  const because = statusReason ? ` (statusReason ${statusReason})` : '';
  switch (status) {
    case 'IN_PROGRESS':
      // A lifecycle state (MELD_ASSUMPTIONS.inProgressMeaning): linking not finished. A connection that
      // was aggregated before is past linking, so there it can only be a running refresh: join it.
      if (connection.successfullyAggregatedAt) return { kind: 'RUNNING' };
      return {
        kind: 'ACTION_REQUIRED',
        reason: {
          code: 'CONNECTION_NOT_READY',
          message:
            'Meld connection is IN_PROGRESS: the customer has not finished linking it in Meld’s widget',
        },
      };
    case 'RECONNECT_REQUIRED':
      return {
        kind: 'ACTION_REQUIRED',
        reason: {
          code: 'RECONNECT_REQUIRED',
          message: `Meld connection needs the customer to reconnect${because}`,
        },
      };
    case 'EXPIRED':
      return {
        kind: 'ACTION_REQUIRED',
        reason: {
          code: 'EXPIRED',
          message: 'Meld connection expired before the customer finished connecting; connect again',
        },
      };
    case 'DELETED':
      return {
        kind: 'ACTION_REQUIRED',
        reason: { code: 'DELETED', message: 'Meld connection was deleted; connect again' },
      };
    case 'UNRECOVERABLE':
      return {
        kind: 'FAILED',
        reason: { code: 'UNRECOVERABLE', message: `Meld connection is unrecoverable${because}` },
      };
    case 'DEGRADED':
      if (
        statusReason &&
        (MELD_ASSUMPTIONS.customerActionDegradedReasons as readonly string[]).includes(statusReason)
      ) {
        return {
          kind: 'ACTION_REQUIRED',
          reason: {
            code: statusReason,
            message: `Meld connection is DEGRADED and needs the customer${because}`,
          },
        };
      }
      return { kind: 'REFRESHABLE' };
    default:
      // ACTIVE, PARTIALLY_ACTIVE, UNDETERMINED and statuses Meld adds later: try the refresh and let Meld decide.
      return { kind: 'REFRESHABLE' };
  }
}
