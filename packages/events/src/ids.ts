import * as t from 'io-ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** Identifiers are opaque text: letters, digits and `_ . : -`, 1–128 chars (uuids fit). */
export const isIdentifier = (s: unknown): s is string => typeof s === 'string' && ID.test(s);

export interface OrderIdBrand { readonly OrderId: unique symbol }
export interface CustomerIdBrand { readonly CustomerId: unique symbol }
export interface PaymentIdBrand { readonly PaymentId: unique symbol }
export interface FeedbackIdBrand { readonly FeedbackId: unique symbol }

export const OrderId = t.brand(t.string, (s): s is t.Branded<string, OrderIdBrand> => ID.test(s), 'OrderId');
export type OrderId = t.TypeOf<typeof OrderId>;
export const CustomerId = t.brand(t.string, (s): s is t.Branded<string, CustomerIdBrand> => ID.test(s), 'CustomerId');
export type CustomerId = t.TypeOf<typeof CustomerId>;
export const PaymentId = t.brand(t.string, (s): s is t.Branded<string, PaymentIdBrand> => ID.test(s), 'PaymentId');
export type PaymentId = t.TypeOf<typeof PaymentId>;
export const FeedbackId = t.brand(t.string, (s): s is t.Branded<string, FeedbackIdBrand> => ID.test(s), 'FeedbackId');
export type FeedbackId = t.TypeOf<typeof FeedbackId>;
