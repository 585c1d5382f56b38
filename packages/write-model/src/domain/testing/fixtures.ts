import type { Actor, Currency, DomainEvent, EventData, EventOf, Money } from '@strata/events';
import type { CommandContext } from '../commandHandler.js';
import type { PlaceOrder } from '../order/order.decider.js';

/** Sample commands and events shared by the write model's tests. */
export const placeOrderCmd: PlaceOrder = {
  orderId: 'o-1',
  customerId: 'c-1',
  currency: 'USD',
  items: [
    { productId: 'P1', productName: 'Fresh Product', quantity: 2, unitPrice: 2500 },
    { productId: 'P2', productName: 'Another Product', quantity: 1, unitPrice: 4950 },
  ],
  shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
};

export const orderPlaced = (cmd: PlaceOrder = placeOrderCmd): EventOf<'OrderPlaced'> => ({
  type: 'OrderPlaced',
  data: {
    ...cmd,
    items: cmd.items.map((l) => ({ ...l, productVersion: null })),
    total: cmd.items.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
  } as unknown as EventData<'OrderPlaced'>,
});

/** An event from loose test data; the decider specs check payloads against the codecs. */
export const ev = (type: DomainEvent['type'], data: Record<string, unknown>): DomainEvent => ({ type, data }) as DomainEvent;

export const actor: Actor = { kind: 'user', id: 'c-1', roles: ['customer'] };

export const ctx = (commandId: string, overrides: Partial<CommandContext> = {}): CommandContext => ({
  commandId,
  actor,
  correlationId: `corr-${commandId}`,
  now: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** Money from loose test numbers (the deciders check amounts themselves). */
export const money = (amount: number, currency: Currency = 'USD'): Money => ({ amount, currency }) as Money;
