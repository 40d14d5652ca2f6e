"""Identity resolvers: logins, passwords, sessions, profile. Thin: check, call auth/, return."""
