"""GraphQL: Strawberry types, inputs, result unions and thin resolvers."""
