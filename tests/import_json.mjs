// Lets Node import the browser's modules as the bundler (esbuild) does, JSON included (the
// geometry, the colour tables, the sentences' templates, the presets' constants). Node loads it
// before the script it runs, `node --import ./tests/import_json.mjs script.mjs` (tests/node.py
// runs every runner and script so): the hook registered here then applies to every import of
// the script, static ones included.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (url.endsWith(".json")) return next(url, { ...context, importAttributes: { type: "json" } });
  return next(url, context);
}`),
);
