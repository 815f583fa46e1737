"""Technical indicators: built-in library, formula language and custom indicators."""
