// Lint for the front end (npm run lint): ESLint's recommended rules for browser ES modules.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["rnnwidget/static/**", "node_modules/**"] },
  js.configs.recommended,
  {
    files: ["js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
    },
  },
];
