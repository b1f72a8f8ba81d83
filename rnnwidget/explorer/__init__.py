"""RNNExplorer: one frame of numbers (:mod:`.frame`), the widget that shows it (:mod:`.widget`),
and the ways a frame leaves the notebook: a headless picture (:mod:`.render`, :mod:`.preview`),
a standalone page (:mod:`.page`), and explorers side by side (:mod:`.comparison`)."""
