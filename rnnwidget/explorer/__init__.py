"""RNNExplorer: one frame of numbers (:mod:`.frame`), the widget that shows it (:mod:`.widget`),
and the ways a frame leaves the notebook: a headless picture (laid out by :mod:`.figure_layout`,
drawn by :mod:`.drawing`, written by :mod:`.export`, shown by :mod:`.preview`), a standalone
page (:mod:`.page`), and explorers side by side (:mod:`.comparison`)."""
