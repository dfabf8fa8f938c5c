/**
 * `Symbol.dispose` and `Symbol.asyncDispose`, declared as TypeScript's `esnext.disposable` lib and
 * `@types/node` declare them (the declarations merge). Traces and spans support `using` /
 * `await using`, so the published types name these symbols; they must still compile for an app
 * whose tsconfig has neither that lib nor `@types/node`.
 */
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
    readonly asyncDispose: unique symbol;
  }
}

export {};
