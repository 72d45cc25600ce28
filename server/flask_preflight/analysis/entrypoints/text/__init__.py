"""Text helpers the formats share, about no format in particular: shell words, JSON with
comments, YAML with positions, and text that remembers where each character came from."""
