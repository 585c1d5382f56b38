import type { ListProduct } from './product.decider.js';

/**
 * The demo catalogue `strata start` lists on an empty store (switch: STRATA_DEMO_CATALOGUE). The
 * first two are the seed's test-flow products at the prices its client sends, so the seed's REST
 * flow passes unchanged; the others make a storefront worth browsing. Prices in minor units (USD).
 */
export const DEMO_CATALOGUE: readonly ListProduct[] = [
  { productId: 'NEWPROD001', name: 'Fresh Product', description: 'The seed test flow\'s first product.', price: usd(2500) },
  { productId: 'NEWPROD002', name: 'Another Item', description: 'The seed test flow\'s second product.', price: usd(4950) },
  { productId: 'COFFEE-1KG', name: 'Espresso Beans, 1 kg', description: 'Medium roast, whole beans.', price: usd(1890) },
  { productId: 'DRIPPER-01', name: 'Ceramic Pour-Over Dripper', description: 'Fits most mugs; filters not included.', price: usd(3200) },
  { productId: 'MUG-STONE', name: 'Stoneware Mug', description: '350 ml, dishwasher safe.', price: usd(1400) },
  { productId: 'TOWEL-LIN', name: 'Linen Tea Towel', description: 'Stonewashed linen, 50 × 70 cm.', price: usd(1250) },
  { productId: 'KETTLE-GN', name: 'Gooseneck Kettle', description: '1 l, stovetop.', price: usd(5900) },
  { productId: 'GRINDER-H', name: 'Hand Grinder', description: 'Conical burrs, 40 settings.', price: usd(7450) },
];

function usd(amount: number): ListProduct['price'] {
  return { amount, currency: 'USD' } as ListProduct['price'];
}
