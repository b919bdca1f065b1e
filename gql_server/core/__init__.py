"""Domain core: no web, GraphQL or database framework imports here."""
