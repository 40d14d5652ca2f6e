"""The HTTP edge of the app layer: middleware, logging, the GraphQL view, health checks."""
