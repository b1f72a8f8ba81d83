// Bundles js/ into rnnwidget/static/ with esbuild (`npm run build`; `npm run watch` rebuilds on
// every change). anywidget loads a widget's module from a blob: URL, where no other file can be
// fetched, so a Worker's code travels inside the bundle: `import source from "./x.js?worker"`
// gives x.js bundled (a classic script) as a string, which js/explorer/twin-view.js starts
// from a Blob. Likewise `import bytes from "./x.wat?wasm"` gives the WebAssembly module x.wat
// writes, as a Uint8Array (scripts/wat.mjs assembles it).
import path from "node:path";
import * as esbuild from "esbuild";
import { assemble } from "./wat.mjs";

const ENTRIES = {
  widget: "js/explorer/widget.js",
  standalone: "js/explorer/standalone.js",
  trainer: "js/trainer/widget.js",
  comparison: "js/explorer/comparison.js",
};
const TARGET = "es2020";

/** `./x.wat?wasm`: the module x.wat writes, as bytes. @type {esbuild.Plugin} */
const wasmModule = {
  name: "wasm-module",
  setup(build) {
    build.onResolve({ filter: /\.wat\?wasm$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -"?wasm".length)),
      namespace: "wasm-module",
    }));
    build.onLoad({ filter: /.*/, namespace: "wasm-module" }, async (args) => ({
      contents: await assemble(args.path), loader: "binary", watchFiles: [args.path],
    }));
  },
};

/** `./x.js?worker`: the bundle of x.js, as text. @type {esbuild.Plugin} */
const inlineWorker = {
  name: "inline-worker",
  setup(build) {
    build.onResolve({ filter: /\?worker$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -"?worker".length)),
      namespace: "inline-worker",
    }));
    build.onLoad({ filter: /.*/, namespace: "inline-worker" }, async (args) => {
      const result = await esbuild.build({ entryPoints: [args.path], bundle: true,
        format: "iife", target: TARGET, write: false, metafile: true, plugins: [wasmModule] });
      return { contents: result.outputFiles[0].text, loader: "text",
        watchFiles: Object.keys(result.metafile.inputs).map((file) => path.resolve(file)) };
    });
  },
};

const options = { entryPoints: ENTRIES, bundle: true, format: "esm", target: TARGET,
  outdir: "rnnwidget/static", plugins: [inlineWorker, wasmModule], logLevel: "warning" };

if (process.argv.includes("--watch")) {
  const context = await esbuild.context({ ...options, logLevel: "info" });
  await context.watch();
} else {
  await esbuild.build(options);
}
