// An import of "./x.js?worker" is x.js bundled as a classic script, as text (scripts/build.mjs).
declare module "*?worker" {
  const source: string;
  export default source;
}
