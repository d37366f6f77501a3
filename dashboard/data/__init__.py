"""Data: the contract, vocabularies, the store and what checks and derives it."""
