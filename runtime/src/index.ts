// The `scoremod` runtime package: the DSL users import, its float64 reference semantics, sample
// data, and module loading. (The GPU runner's typed API lives in ./runner and is imported from there.)
export * from "./dsl";
export * from "./dtypes";
export * from "./layout";
export * from "./sample";
export * from "./reference";
export * from "./load";
