// Lets Node import the browser's modules as the bundler (esbuild) does, JSON included (the
// geometry, the colour tables, the sentences' templates, the presets' constants). Import this
// module first, then the browser's modules with `await import(...)`: a hook registered here
// applies to the imports that follow it, not to static imports linked before it runs.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (url.endsWith(".json")) return next(url, { ...context, importAttributes: { type: "json" } });
  return next(url, context);
}`),
);
