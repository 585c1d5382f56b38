import { describe, expect, it } from '@jest/globals';
import { paymentStream } from '@strata/events';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { ProviderUnavailableError, type PaymentProvider } from '@strata/workflows';
import { createPaymentStepHandler } from './paymentStep.js';

const input = { paymentId: 'pay-1', orderId: 'o-1', customerId: 'c1', amount: { amount: 1000, currency: 'EUR' }, correlationId: 'req-1', causationId: 'evt-1' };
const downProvider: PaymentProvider = {
  authorize: async () => Promise.reject(new ProviderUnavailableError('down')),
  capture: async () => Promise.reject(new ProviderUnavailableError('down')),
  void: async () => Promise.reject(new ProviderUnavailableError('down')),
  refund: async () => Promise.reject(new ProviderUnavailableError('down')),
};

describe('payment step Lambda entry (Step Functions Task)', () => {
  it('runs the step the Task names against the write model', async () => {
    const eventStore = createMemoryEventStore();
    const writeModel = createWriteModel({ eventStore });
    const declining: PaymentProvider = { ...downProvider, authorize: async () => ({ outcome: 'declined', reason: 'card declined' }) };
    const handler = createPaymentStepHandler(async () => ({ writeModel, provider: declining }));
    expect(await handler({ step: 'authorize', input })).toEqual({ outcome: 'declined', reason: 'card declined' });
    const { events } = await eventStore.readStream(paymentStream('pay-1'));
    expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentDeclined']);
    expect(new Set(events.map((e) => e.commandId)).size).toBe(1); // one commit
  });

  it('runs the sweep’s first step against the read model it is given', async () => {
    const handler = createPaymentStepHandler(async () => ({
      writeModel: createWriteModel({ eventStore: createMemoryEventStore() }),
      provider: downProvider,
      clock: () => '2026-01-08T00:00:00.000Z',
      expiredHolds: async (now, limit) => (now >= '2026-01-08' && limit > 0 ? [{ paymentId: 'pay-1', orderId: 'o-1' }] : []),
    }));
    expect(await handler({ step: 'findExpiredHolds', input: {} })).toEqual({ sweptAt: '2026-01-08T00:00:00.000Z', holds: [{ paymentId: 'pay-1', orderId: 'o-1' }] });
    const bare = createPaymentStepHandler(async () => ({ writeModel: createWriteModel({ eventStore: createMemoryEventStore() }), provider: downProvider }));
    await expect(bare({ step: 'findExpiredHolds', input: {} })).rejects.toMatchObject({ name: 'StepNotConfigured' });
  });

  it('rethrows errors with their name, the errorType the ASL Retry/Catch match', async () => {
    const handler = createPaymentStepHandler(async () => ({ writeModel: createWriteModel({ eventStore: createMemoryEventStore() }), provider: downProvider }));
    await expect(handler({ step: 'authorize', input })).rejects.toMatchObject({ name: 'ProviderUnavailable' });
  });
});
