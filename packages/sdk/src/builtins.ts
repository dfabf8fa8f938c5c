/**
 * Registering the built-in plugins (stand-ins that load their package on first use, or, in the
 * bundlers' entry, the plugins themselves) and the price table.
 */
import { logger, registerPlugin, registerPriceTable, type PriceTableSource, type TraciumPlugin } from "@tracium/core";

/**
 * Registers `plugins` (idempotent: a plugin replaces the one with its name) and the price table
 * (loaded only when a span is priced; `cost: false` never loads it).
 */
export function registerBuiltinPlugins(plugins: readonly TraciumPlugin[], prices: PriceTableSource): void {
  for (const plugin of plugins) {
    try {
      registerPlugin(plugin);
    } catch (err) {
      logger.error(`could not register the built-in plugin "${plugin?.name}"`, err);
    }
  }
  registerPriceTable(prices);
}
