"""The web edge: the GraphQL endpoint, its HTTP rules and the metrics endpoint."""
