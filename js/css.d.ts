// esbuild bundles the widgets' CSS imports; for the type checker they are modules of no value.
declare module "*.css";
