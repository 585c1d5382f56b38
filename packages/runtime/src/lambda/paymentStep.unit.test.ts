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
    const handler = createPaymentStepHandler(async () => ({ writeModel: createWriteModel({ eventStore }), provider: downProvider }));
    expect(await handler({ step: 'requestPayment', input })).toEqual({ requested: true });
    const { events } = await eventStore.readStream(paymentStream('pay-1'));
    expect(events.map((e) => e.type)).toEqual(['PaymentRequested']);
  });

  it('rethrows errors with their name, the errorType the ASL Retry/Catch match', async () => {
    const handler = createPaymentStepHandler(async () => ({ writeModel: createWriteModel({ eventStore: createMemoryEventStore() }), provider: downProvider }));
    await expect(handler({ step: 'authorize', input })).rejects.toMatchObject({ name: 'ProviderUnavailable' });
  });
});
