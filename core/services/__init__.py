"""One function per intention, over a unit of work; authorisation is decided in ``rules``."""
