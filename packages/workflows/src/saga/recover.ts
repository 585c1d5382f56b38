import type { WriteModel } from '@strata/write-model';
import { paymentIdForOrder, recoveryAction, type RecoveryAction } from '../domain/saga.js';
import type { SagaRunner, StartedExecution } from './runner.js';

export interface RecoveredSaga {
  readonly orderId: string;
  readonly action: RecoveryAction;
  readonly execution?: StartedExecution;
}

/**
 * Finishes sagas a crash interrupted: for each order id, loads the order and its payment and
 * starts the workflow that resumes or compensates (see `recoveryAction`). Safe to run on every
 * start and on any superset of the affected orders: a finished pair needs nothing, and every
 * step is idempotent. Holds that outlive their expiry are the hold-expiry sweep's (`runner.sweep()`).
 *
 * Where the ids come from is the runtime's choice, never a scan of the event store: the
 * relational read model's orders in status placed / confirmed / shipped / cancelled-with-payment,
 * or the change feed since the saga's last checkpoint. On AWS the executions survive a Lambda
 * crash; the same function serves an operator sweeping stuck payments.
 */
export const recoverSagas = async (orderIds: readonly string[], deps: { readonly writeModel: WriteModel; readonly runner: SagaRunner }): Promise<RecoveredSaga[]> => {
  const recovered: RecoveredSaga[] = [];
  for (const orderId of orderIds) {
    const paymentId = paymentIdForOrder(orderId);
    const [order, payment] = await Promise.all([deps.writeModel.loadOrder(orderId), deps.writeModel.loadPayment(paymentId)]);
    const action = recoveryAction(order.state, payment.state);
    if (action.kind === 'none' || order.state.status === 'none') {
      recovered.push({ orderId, action: { kind: 'none' } });
      continue;
    }
    // The saga's events keep the original request's correlation id.
    const trace = { correlationId: payment.envelopes[0]?.correlationId ?? order.envelopes[0]?.correlationId ?? `recovery:${orderId}`, causationId: `recovery:${orderId}` };
    const execution =
      action.kind === 'request'
        ? deps.runner.start('PaymentRequest', {
            paymentId,
            orderId,
            customerId: order.state.customerId,
            amount: { amount: order.state.total, currency: order.state.currency },
            ...trace,
          })
        : deps.runner.start('PaymentRelease', { trigger: action.trigger, paymentId, orderId, ...trace });
    recovered.push({ orderId, action, execution });
  }
  return recovered;
};
