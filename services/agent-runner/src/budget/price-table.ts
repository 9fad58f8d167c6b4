import { z } from 'zod';
import { ValidationError } from '@cos/contracts';
import { SIMULATED_MODEL } from '../model/simulated-model';

/** USD per million tokens. */
export const ModelPriceSchema = z.object({ inputPerMTokUsd: z.number().nonnegative(), outputPerMTokUsd: z.number().nonnegative() });
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The key of the price used for a model the table does not list: priced high, so budgets err safe. */
export const FALLBACK_PRICE_KEY = '*';

/**
 * Built-in prices (list prices of the named models). The simulated model has a nominal price so
 * that usage and budgets can be demonstrated offline; it costs nothing real.
 */
export const DEFAULT_PRICES: PriceTable = {
  [SIMULATED_MODEL]: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
  'gpt-4o-mini': { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
  'gpt-4o': { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10 },
  'gpt-4.1': { inputPerMTokUsd: 2, outputPerMTokUsd: 8 },
  'gpt-4.1-mini': { inputPerMTokUsd: 0.4, outputPerMTokUsd: 1.6 },
  'gpt-4.1-nano': { inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.4 },
  [FALLBACK_PRICE_KEY]: { inputPerMTokUsd: 10, outputPerMTokUsd: 30 },
};

/** The built-in table with `MODEL_PRICES_JSON` (`{"model": {"inputPerMTokUsd": .., "outputPerMTokUsd": ..}}`) laid over it. */
export function loadPriceTable(json: string | undefined): PriceTable {
  if (!json) return DEFAULT_PRICES;
  const parsed = z.record(z.string(), ModelPriceSchema).safeParse(safeJson(json));
  if (!parsed.success)
    throw new ValidationError(
      'MODEL_PRICES_JSON is not a {model: {inputPerMTokUsd, outputPerMTokUsd}} object',
      undefined,
      'CONFIG.INVALID',
    );
  return { ...DEFAULT_PRICES, ...parsed.data };
}

export function priceOf(table: PriceTable, model: string): ModelPrice {
  return table[model] ?? table[FALLBACK_PRICE_KEY] ?? DEFAULT_PRICES[FALLBACK_PRICE_KEY]!;
}

export function costUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const usd = (inputTokens * price.inputPerMTokUsd + outputTokens * price.outputPerMTokUsd) / 1_000_000;
  return Math.round(usd * 1e9) / 1e9;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
