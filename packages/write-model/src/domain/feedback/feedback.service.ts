import { feedbackStream, orderStream, type EventStore } from '@strata/events';
import { loadStream, type CommandContext, type CommandHandler, type CommandResult } from '../commandHandler.js';
import { orderDecider } from '../order/order.decider.js';
import { feedbackDecider, orderFacts, type SubmitFeedback } from './feedback.decider.js';

export interface FeedbackService {
  submitFeedback(cmd: SubmitFeedback, ctx: CommandContext): Promise<CommandResult>;
}

/**
 * Reads the order first so the decision knows its owner. The order's owner never changes, so a
 * retry after a conflict on the feedback stream can reuse what was read.
 */
export const createFeedbackService = (eventStore: EventStore, handle: CommandHandler): FeedbackService => ({
  submitFeedback: async (data, ctx) => {
    const order = await loadStream(eventStore, orderDecider, orderStream(data.orderId));
    return handle(feedbackDecider, { streamId: feedbackStream(data.orderId), command: { type: 'SubmitFeedback', data, order: orderFacts(order.state) } }, ctx);
  },
});
