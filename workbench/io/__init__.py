"""Import and export: transcripts in, write-ups and REFI-QDA out (no Textual here)."""
