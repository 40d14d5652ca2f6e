"""The person behind a login, in GraphQL: `User`, `viewer` and the profile mutations.

Nothing is imported here: `schema.person.types` is needed by types that `viewer` itself
reaches (grants name their people), so each module is imported by its full name.
"""
