// WebAssembly text (.wat) to the binary module, with wabt: what `import bytes from "./x.wat?wasm"`
// gives, in the bundle (scripts/build.mjs) and in the tests' Node (tests/import_hooks.mjs).
import { readFile } from "node:fs/promises";
import wabt from "wabt";

const tools = wabt();

/**
 * The module a .wat file writes, its 128-bit SIMD instructions included.
 * @param {string} file
 * @returns {Promise<Uint8Array>}
 */
export async function assemble(file) {
  const text = await readFile(file, "utf8");
  const module = (await tools).parseWat(file, text, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
