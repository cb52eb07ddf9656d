"""The text layer: wrapping, motion, highlights and making text inert for a terminal. No Textual."""
