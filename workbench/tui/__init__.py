"""The full-screen interface: a thin Textual layer over the Project API."""
