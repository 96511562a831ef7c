"""The core: no textual here. Client, batch XML, validation, addresses, journal."""
