// The browser twin of the explorer's numbers: the three cells' forward pass and pieces of
// BPTT, the log-space gradient recursion, and the frame the picture draws. Each module mirrors
// its Python twin line for line; tests/test_twin.py holds them equal.

export { SimpleRNN } from "./elman.js";
export { LSTM } from "./lstm.js";
export { GRU } from "./gru.js";
export { LogGradients, SAFE_LOG10, log10Gradients } from "./log-gradients.js";
export {
  CELLS,
  FrameSource,
  buildLayers,
  computeFrame,
  frameOfTraces,
  lossGradient,
  measure,
  run,
} from "./frame.js";
