// An import of "./x.wat?wasm" is the WebAssembly module x.wat writes, as bytes (scripts/build.mjs).
declare module "*.wat?wasm" {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
