/**
 * @strata/events — the event catalogue (envelope, codecs per type and version, upcasters,
 * stream naming, money) and the ports both sides share (`EventStore`, `ChangeFeed`).
 */
export * from './sha256.js';
export * from './money.js';
export * from './ids.js';
export * from './streams.js';
export * from './envelope.js';
export * from './catalogue.js';
export * from './codec.js';
export * from './eventStore.js';
