"""Pure domain: DID pools, trunk models, the brand catalogue. No I/O, no Textual, no httpx."""
