"""The source tables: their contract, importing files into them, and the demo book."""
