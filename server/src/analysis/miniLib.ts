// The tiny standard library user files are checked against (noLib). A full ES lib makes
// every re-check 2-3x slower (measured when the analysis was written; scripts/bench-analysis.mjs
// times a re-check); mod files only need the global types
// TypeScript itself requires plus a few helpers the DSL typings use.
// `Math` is declared so that `Math.exp(x)` gets our clearer SM error ("use exp from
// scoremod") instead of TypeScript's "Cannot find name".
export const MINI_LIB = `
interface Array<T> {
  readonly length: number;
  [n: number]: T;
}
interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
}
interface ArrayLike<T> { readonly length: number; readonly [n: number]: T }
interface ArrayConstructor { isArray(arg: any): arg is any[]; readonly prototype: any[] }
declare var Array: ArrayConstructor;
interface TemplateStringsArray extends ReadonlyArray<string> { readonly raw: readonly string[] }
interface Boolean {}
interface Function {
  apply(this: Function, thisArg: any, argArray?: any): any;
  call(this: Function, thisArg: any, ...argArray: any[]): any;
  bind(this: Function, thisArg: any, ...argArray: any[]): any;
  readonly length: number;
}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments { readonly length: number; [index: number]: any }
interface Number { toFixed(fractionDigits?: number): string }
interface Object {}
interface RegExp {}
interface String { readonly length: number; readonly [index: number]: string }
interface Symbol {}
interface SymbolConstructor { readonly iterator: unique symbol }
declare var Symbol: SymbolConstructor;
interface Iterator<T> { next(): { done?: boolean; value: T } }
interface Iterable<T> { [Symbol.iterator](): Iterator<T> }
interface IterableIterator<T> extends Iterator<T> { [Symbol.iterator](): IterableIterator<T> }
interface Error { name: string; message: string }
interface Promise<T> { then<R>(f: (value: T) => R): Promise<R> }
interface PromiseLike<T> { then<R>(f: (value: T) => R): PromiseLike<R> }
declare var NaN: number;
declare var Infinity: number;
interface Math {
  exp(x: number): number; log(x: number): number; tanh(x: number): number; sqrt(x: number): number;
  abs(x: number): number; min(...values: number[]): number; max(...values: number[]): number;
  floor(x: number): number; ceil(x: number): number; pow(x: number, y: number): number;
  sin(x: number): number; cos(x: number): number; log2(x: number): number; round(x: number): number;
  readonly PI: number; readonly E: number;
}
declare var Math: Math;
type PropertyKey = string | number | symbol;
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
`;
