declare const serviceType: unique symbol;

/**
 * The key a port or setting is bound under in the composition root, carrying the type it stands for,
 * so that a factory handed the wrong token for a constructor parameter does not compile.
 */
export type Token<T> = symbol & { readonly [serviceType]?: T };

export function token<T>(name: string): Token<T> {
  return Symbol.for(name) as Token<T>;
}
