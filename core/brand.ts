// Errors that cross the line between plug-ins and core are recognised by what they are, not by which copy
// of core made them. A copy can happen (a plug-in package with its own nowsms dependency, a loader that
// gives the config a module graph of its own), and there `instanceof` is silently false: a permanent
// refusal would read as a passing failure. The brand is a symbol from the global registry, so every copy
// of this file agrees on it.

/** Mark a class's instances with a brand every copy of core recognises. */
export function brand(cls: abstract new (...args: never[]) => unknown, name: string): symbol {
  const symbol = Symbol.for(`nowsms.${name}`);
  Object.defineProperty(cls.prototype, symbol, { value: true });
  return symbol;
}

export function hasBrand(value: unknown, symbol: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[symbol] === true;
}

/**
 * For `static [Symbol.hasInstance]`: the branded class itself answers by brand, so `instanceof` holds across
 * copies too; a subclass keeps the ordinary prototype check.
 */
export function isInstance(self: unknown, base: unknown, value: unknown, symbol: symbol): boolean {
  if (self !== base) return Function.prototype[Symbol.hasInstance].call(self, value);
  return hasBrand(value, symbol);
}
