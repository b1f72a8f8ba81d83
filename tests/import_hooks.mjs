// Lets Node import the browser's modules as the bundler (esbuild) does, JSON included (the
// geometry, the colour tables, the sentences' templates, the presets' constants) and the
// WebAssembly modules of .wat files (`./x.wat?wasm`, assembled by scripts/wat.mjs). Node loads it
// before the script it runs, `node --import ./tests/import_hooks.mjs script.mjs` (tests/node.py
// runs every runner and script so): the hook registered here then applies to every import of
// the script, static ones included.
import { register } from "node:module";

const assembler = new URL("../scripts/wat.mjs", import.meta.url).href;

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (url.endsWith(".json")) return next(url, { ...context, importAttributes: { type: "json" } });
  if (url.endsWith(".wat?wasm")) {
    const { assemble } = await import(${JSON.stringify(assembler)});
    const bytes = await assemble(new URL(url.slice(0, -"?wasm".length)));
    const base64 = Buffer.from(bytes).toString("base64");
    return { format: "module", shortCircuit: true,
      source: \`export default new Uint8Array(Buffer.from("\${base64}", "base64"));\` };
  }
  return next(url, context);
}`),
);
