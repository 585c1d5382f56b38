import { describe, it } from '@jest/globals';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ev } from '../testing/fixtures.js';
import { feedbackDecider, type FeedbackCommand, type FeedbackState, type OrderFacts, type SubmitFeedback } from './feedback.decider.js';

const expectFeedback = deciderSpec(feedbackDecider);
const data: SubmitFeedback = { feedbackId: 'f-1', orderId: 'o-1', customerId: 'c-1', rating: 5, comment: 'Great', category: 'delivery' };
const owned: OrderFacts = { status: 'placed', customerId: 'c-1' };
const submit = (patch: Partial<SubmitFeedback> = {}, order: OrderFacts = owned): FeedbackCommand => ({ type: 'SubmitFeedback', data: { ...data, ...patch }, order });
const submitted = ev('FeedbackSubmitted', { ...data });

describe('feedback decider', () => {
  it('accepts feedback from the order owner, once per order', () => {
    expectFeedback.given([]).when(submit()).then([submitted]);
    expectFeedback.given([submitted]).when(submit()).thenNothing();
    expectFeedback.given([submitted]).when(submit({ feedbackId: 'f-2', rating: 1 })).thenRejects('FeedbackAlreadySubmitted');
  });

  it('refuses feedback on someone else’s order or a missing order', () => {
    expectFeedback.given([]).when(submit({}, { status: 'delivered', customerId: 'c-2' })).thenRejects('NotOrderOwner');
    expectFeedback.given([]).when(submit({}, { status: 'none', customerId: null })).thenRejects('OrderNotFound');
  });

  it.each([
    [{ rating: 0 }, 'rating'],
    [{ rating: 6 }, 'rating'],
    [{ rating: 4.5 }, 'rating'],
    [{ comment: 'x'.repeat(2001) }, 'comment'],
    [{ category: 'x'.repeat(101) }, 'category'],
  ])('refuses %j', (patch, field) => {
    expectFeedback.given([]).when(submit(patch)).thenRejects('InvalidCommand', field);
  });

  it('accepts the limits', () => {
    expectFeedback.given([]).when(submit({ rating: 1, comment: 'x'.repeat(2000), category: 'x'.repeat(100) })).thenState({
      status: 'submitted', ...data, rating: 1, comment: 'x'.repeat(2000), category: 'x'.repeat(100),
    } as FeedbackState);
  });
});
