"""The platform-neutral heart of intervision: domain, methods, services, views, storage."""
